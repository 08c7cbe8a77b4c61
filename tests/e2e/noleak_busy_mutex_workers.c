/* Workers take turns at a mutex forever (lock, count, unlock), and main
 * returns while they run: exit ends them. At any instant some of them
 * wait for the mutex, which a running worker holds and will release: none
 * is blocked forever. No leak, exit 0. Those caught waiting at the exit
 * were reported as GOROUTINE LEAKs (6 to 14 a run, different each run).
 * Reduced from Goblint's regression test 06-symbeq/46-calloc-free. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define WORKERS 16

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    usleep(50 * 1000);
    puts("main returns");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: main returns
// EXPECT-NOT: WARNING
