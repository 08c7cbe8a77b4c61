/* main destroys a barrier a worker is blocked on, before its own arrival
 * (the phase's end and the cleanup swapped). glibc's destroy waits for
 * the worker to leave, and the worker waits for main: the program hangs.
 * Reported as a misuse at the destroy, then as the deadlock it closes. */
#include <pthread.h>
#include <stdio.h>

#include "lib/blocked.h"

static pthread_barrier_t phase;

static void *worker(void *arg)
{
    (void)arg;
    watch_me();
    pthread_barrier_wait(&phase); // LINE:wait
    return NULL;
}

int main(void)
{
    pthread_barrier_init(&phase, NULL, 2);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    wait_watched_blocked();
    pthread_barrier_destroy(&phase); // LINE:destroy
    pthread_barrier_wait(&phase);
    pthread_join(t, NULL);
    printf("not reached\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: MISUSE OF BARRIER
// EXPECT: pthread_barrier_destroy of barrier {{ADDR}} by goroutine 1 while goroutine 2 waits on it:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:destroy}} {{OFF}}
// EXPECT: Goroutine 2 waits on barrier {{ADDR}} at (glibc's destroy waits for it to leave):
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT: goroutine 1 [pthread_barrier_destroy]:
// EXPECT-NOT: not reached
// EXPECT-NOT: DATA RACE
