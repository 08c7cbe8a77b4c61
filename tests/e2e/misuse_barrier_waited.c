/* main initialises a barrier again while a worker is blocked on it (a
 * "reset" between phases that forgot a worker still at the last one).
 * The init resets the count the worker waits in; here main's arrival at
 * the new one-party barrier happens to let it out. Reported at the init,
 * with the worker's wait, as one misuse (not also as a race of the init's
 * write with the wait's use, nor of the free with it). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/blocked.h"

static pthread_barrier_t *phase;

static void *worker(void *arg)
{
    (void)arg;
    watch_me();
    pthread_barrier_wait(phase); // LINE:wait
    return NULL;
}

int main(void)
{
    phase = malloc(sizeof(*phase));
    pthread_barrier_init(phase, NULL, 2); // LINE:create
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    wait_watched_blocked();
    pthread_barrier_init(phase, NULL, 1); // LINE:reinit
    pthread_barrier_wait(phase);
    pthread_join(t, NULL);
    pthread_barrier_destroy(phase);
    free(phase);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: WARNING: MISUSE OF BARRIER
// EXPECT: pthread_barrier_init of barrier {{ADDR}} by goroutine 1 while goroutine 2 waits on it:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:reinit}} {{OFF}}
// EXPECT: Goroutine 2 waits on barrier {{ADDR}} at (the init resets the state it waits on):
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT: Barrier {{ADDR}} created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT-COUNT: 1 WARNING:
