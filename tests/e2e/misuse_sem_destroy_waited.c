/* main destroys a semaphore a worker is blocked on (shutdown before the
 * last post), then initialises it again for a next run that never comes.
 * glibc's destroy does nothing and its init counts no waiter: the worker
 * stays blocked for good. Reported at the destroy and at the init (each
 * with the worker's wait), and the worker as a leak. */
#include <semaphore.h>
#include <pthread.h>
#include <stdio.h>

#include "lib/blocked.h"

static sem_t work;

static void *worker(void *arg)
{
    (void)arg;
    watch_me();
    sem_wait(&work); // LINE:wait
    return NULL;
}

int main(void)
{
    sem_init(&work, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    wait_watched_blocked();
    sem_destroy(&work); // LINE:destroy
    sem_init(&work, 0, 0); // LINE:init
    printf("main done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: main done
// EXPECT: WARNING: MISUSE OF SEMAPHORE
// EXPECT: sem_destroy of semaphore {{ADDR}} by goroutine 1 while goroutine 2 waits on it:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:destroy}} {{OFF}}
// EXPECT: Goroutine 2 waits on semaphore {{ADDR}} at (glibc's destroy does not wake it: it stays blocked on memory the program may reuse):
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT: WARNING: MISUSE OF SEMAPHORE
// EXPECT: sem_init of semaphore {{ADDR}} by goroutine 1 while goroutine 2 waits on it:
// EXPECT:       {{FILE}}:{{LINE:init}} {{OFF}}
// EXPECT: Goroutine 2 waits on semaphore {{ADDR}} at (the init resets the state it waits on):
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT-COUNT: 2 WARNING: MISUSE OF SEMAPHORE
