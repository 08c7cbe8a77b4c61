/* A once control and a mutex taken in opposite orders: the worker's init
 * function (run under pthread_once) locks the registry's mutex, while
 * main, holding that mutex, calls pthread_once on the same control and
 * waits for the init to finish. A cycle of two, reported when it closes;
 * here the worker closes it (it locks once main sleeps in its wait). */
#include <pthread.h>
#include <stdio.h>

#include "lib/blocked.h"

static pthread_once_t registry_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static int in_init;

static void registry_init(void)
{
    __atomic_store_n(&in_init, 1, __ATOMIC_RELEASE);
    wait_watched_blocked();
    pthread_mutex_lock(&registry_mu); // LINE:init_lock
    pthread_mutex_unlock(&registry_mu);
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_once(&registry_once, registry_init); // LINE:worker_once
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_lock(&registry_mu); // LINE:main_lock
    while (!__atomic_load_n(&in_init, __ATOMIC_ACQUIRE))
        ;
    watch_me();
    pthread_once(&registry_once, registry_init); // LINE:main_once
    pthread_mutex_unlock(&registry_mu);
    pthread_join(t, NULL);
    printf("not reached\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DEADLOCK
// EXPECT: Goroutines waiting for each other in a cycle: 2 -> 1 -> 2
// EXPECT: Goroutine 2 blocks in pthread_mutex_lock on mutex {{ADDR}} held by goroutine 1:
// EXPECT:   registry_init()
// EXPECT:       {{FILE}}:{{LINE:init_lock}} {{OFF}}
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker_once}} {{OFF}}
// EXPECT: Mutex {{ADDR}} locked by goroutine 1 at:
// EXPECT:       {{FILE}}:{{LINE:main_lock}} {{OFF}}
// EXPECT: Goroutine 1 blocks in pthread_once on once control {{ADDR}}, whose init function goroutine 2 runs:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main_once}} {{OFF}}
// EXPECT: Once control {{ADDR}} entered by goroutine 2 at:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker_once}} {{OFF}}
// EXPECT-NOT: not reached
