/* An rwlock and a mutex taken in opposite orders: main write-locks the
 * table, then wants the log's mutex; the worker holds the log's mutex and
 * wants to read the table. A cycle of two, reported when main closes it,
 * though a third goroutine (a ticker) still runs: not every goroutine is
 * asleep. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "lib/blocked.h"

static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static int log_locked;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&log_mu); // LINE:worker_log
    __atomic_store_n(&log_locked, 1, __ATOMIC_RELEASE);
    watch_me();
    pthread_rwlock_rdlock(&table); // LINE:worker_read
    pthread_rwlock_unlock(&table);
    pthread_mutex_unlock(&log_mu);
    return NULL;
}

static void *ticker(void *arg)
{
    (void)arg;
    for (;;) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int main(void)
{
    pthread_t w, t;
    pthread_create(&t, NULL, ticker, NULL);
    pthread_rwlock_wrlock(&table); // LINE:main_write
    pthread_create(&w, NULL, worker, NULL);
    while (!__atomic_load_n(&log_locked, __ATOMIC_ACQUIRE))
        ;
    wait_watched_blocked();
    pthread_mutex_lock(&log_mu); // LINE:main_log
    printf("not reached\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DEADLOCK
// EXPECT: Goroutines waiting for each other in a cycle: 1 -> 3 -> 1
// EXPECT: Goroutine 1 blocks in pthread_mutex_lock on mutex {{ADDR}} held by goroutine 3:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main_log}} {{OFF}}
// EXPECT: Mutex {{ADDR}} locked by goroutine 3 at:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker_log}} {{OFF}}
// EXPECT: Goroutine 3 blocks in pthread_rwlock_rdlock on rwlock {{ADDR}} held for writing by goroutine 1:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker_read}} {{OFF}}
// EXPECT: RWLock {{ADDR}} locked by goroutine 1 at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main_write}} {{OFF}}
// EXPECT-NOT: not reached
// EXPECT-NOT: all goroutines are asleep
