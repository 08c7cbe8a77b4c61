/* libc calls that fill in a result the caller points to write it, as a
 * plain store would: a worker formats the time into a shared struct tm
 * (localtime_r), stats a file into a shared struct stat, and draws from a
 * seed main draws from too (rand_r reads and writes it); main reads the
 * first two after a sleep, which orders nothing. Three races, each with
 * the libc call's line. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct tm when;
static struct stat root;
static unsigned seed = 7;

static void *worker(void *arg)
{
    (void)arg;
    time_t now = 0;
    localtime_r(&now, &when); // LINE:localtime
    stat("/", &root); // LINE:stat
    return (void *)(long)rand_r(&seed); // LINE:worker_rand
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(100 * 1000);
    int year = when.tm_year; // LINE:year
    int dir = S_ISDIR(root.st_mode); // LINE:mode
    int r = rand_r(&seed); // LINE:main_rand
    pthread_join(t, NULL);
    printf("%d %d %d\n", year, dir, r > 0);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 70 1 1
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:year}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:localtime}} {{OFF}}
// EXPECT: Location is global 'when' of size 56 at {{ADDR}} (race_libc_filled_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:mode}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:       {{FILE}}:{{LINE:stat}} {{OFF}}
// EXPECT: Location is global 'root' of size 144 at {{ADDR}} (race_libc_filled_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT:       {{FILE}}:{{LINE:main_rand}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:       {{FILE}}:{{LINE:worker_rand}} {{OFF}}
// EXPECT: Location is global 'seed' of size 4 at {{ADDR}} (race_libc_filled_results+{{ADDR}})
// EXPECT-COUNT: 3 WARNING: DATA RACE
