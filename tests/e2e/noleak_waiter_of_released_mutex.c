/* main holds a mutex while a worker blocks on it, then unlocks it and
 * returns at once. The worker is not blocked forever: the mutex is free,
 * and the worker is on its way out of its lock call when the process
 * ends (or has already got through). No leak, exit 0. It was reported
 * leaked on every run: a contended lock's wait stayed registered until
 * the worker's lock call returned, and the exit check believed it. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int hits;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    hits++;
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_mutex_lock(&mu);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(100 * 1000); /* the worker waits for mu by now */
    puts("releasing");
    pthread_mutex_unlock(&mu);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: releasing
// EXPECT-NOT: WARNING
