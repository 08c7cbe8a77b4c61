/*
 * loopvar, buggy: each goroutine is handed the address of the loop
 * variable, not its value.
 *
 * The bug: every goroutine reads the same variable i, which main keeps
 * incrementing. Nothing orders main's i++ after a goroutine's read, so
 * this is a data race: a goroutine that starts late sees the next value,
 * or 3 (Go before 1.22: `for i := ...; go func() { use(i) }()`). Here
 * main pauses after each go(), so each goroutine usually reads i in time
 * and the output looks right: 0, 1, 2. crace reports the race anyway: it
 * does not depend on the timing, only on the missing synchronisation.
 *
 * The fix (loopvar_value.c): pass the value itself, so each goroutine has
 * its own copy.
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

#define N_WORKERS 3

static waitgroup_t wg = WAITGROUP_INIT;

static void worker(void *arg)
{
    int *ip = arg;
    printf("worker sees i = %d\n", *ip); // LINE:read
    waitgroup_done(&wg);
}

int main(void)
{
    int i = 0;
    printf("main: starting %d workers\n", N_WORKERS);
    while (i < N_WORKERS) {
        waitgroup_add(&wg, 1);
        go(worker, &i); // LINE:go
        /* Lets each goroutine read i before main increments it, so the
         * report is the same on every run. A sleep orders them in time
         * only: it is no synchronisation. */
        usleep(100 * 1000);
        i++; // LINE:inc
    }
    waitgroup_wait(&wg);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: main: starting 3 workers
// EXPECT: worker sees i = 0
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:inc}} {{OFF}}
// EXPECT:
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT:
// EXPECT: Location is stack of main goroutine.
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
