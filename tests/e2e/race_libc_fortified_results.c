/* A fortified build (_FORTIFY_SOURCE) calls __getcwd_chk and
 * __readlink_chk for getcwd and readlink into buffers of known size: the
 * results they fill in are writes all the same. A worker fills two shared
 * buffers; main reads them after a sleep, which orders nothing. */
// CFLAGS: -O2 -D_FORTIFY_SOURCE=2
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static char cwd[4096];
static char link_to[256];
/* Sizes read at run time: with sizes it can prove fit, the fortified
 * header calls the plain functions. */
size_t cwd_len = sizeof cwd, link_len = sizeof link_to - 1;

static void *worker(void *arg)
{
    (void)arg;
    if (!getcwd(cwd, cwd_len)) // LINE:getcwd
        return NULL;
    if (readlink("/proc/self/exe", link_to, link_len) < 0) // LINE:readlink
        return NULL;
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(200 * 1000);
    int rooted = cwd[0] == '/'; // LINE:cwd
    int linked = link_to[0] == '/'; // LINE:link
    pthread_join(t, NULL);
    printf("%d %d\n", rooted, linked);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 1 1
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:cwd}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:       {{FILE}}:{{LINE:getcwd}} {{OFF}}
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:link}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:       {{FILE}}:{{LINE:readlink}} {{OFF}}
// EXPECT-COUNT: 2 WARNING: DATA RACE
