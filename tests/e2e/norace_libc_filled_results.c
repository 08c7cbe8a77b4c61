/* The twin of race_libc_filled_results: the same libc calls fill in
 * shared results, and the seed is shared, but under a mutex (and read by
 * main after the join): no race. Each thread's own results (on its
 * stack) are no one else's. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct tm when;
static struct stat root;
static unsigned seed = 7;
static char cwd[4096];

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20; i++) {
        struct timespec ts;
        struct timeval tv;
        char buf[64];
        clock_gettime(CLOCK_MONOTONIC, &ts);
        gettimeofday(&tv, NULL);
        time_t now = time(NULL);
        pthread_mutex_lock(&mu);
        localtime_r(&now, &when);
        strftime(buf, sizeof buf, "%Y", &when);
        stat("/", &root);
        rand_r(&seed);
        getcwd(cwd, sizeof cwd);
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("%d %d %d\n", when.tm_year > 100, S_ISDIR(root.st_mode), cwd[0] == '/');
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 1 1 1
// EXPECT-NOT: WARNING
