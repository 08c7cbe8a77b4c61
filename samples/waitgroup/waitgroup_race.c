/*
 * waitgroup, buggy: each goroutine calls waitgroup_add itself, inside the
 * goroutine, instead of main calling it before go().
 *
 * The bug: main's waitgroup_wait may run before any goroutine has added
 * itself. The counter is then 0, the wait returns at once, and main reads
 * results the goroutines have not written yet: it prints zeros. Go's rule
 * is that an Add raising the counter from zero must happen before the
 * Wait; here nothing orders them, and crace reports it as a race on the
 * WaitGroup (the Wait that returned at once, on a WaitGroup no Add had
 * raised yet, is an atomic write of it; Go's race detector sees the race
 * only when the Wait blocks first), then the race on the results that
 * follows from it.
 *
 * The fix (waitgroup_fixed.c): call waitgroup_add before go().
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

#define N_WORKERS 2

static waitgroup_t wg = WAITGROUP_INIT;
static int results[N_WORKERS];

static void worker(void *arg)
{
    int *index = arg;
    /* A goroutine may start late: simulated, one after the other (far
     * apart, so that the report is the same on every run). */
    usleep((useconds_t)(100 + *index * 300) * 1000);
    waitgroup_add(&wg, 1); // LINE:add
    results[*index] = (*index + 1) * 10; // LINE:write
    waitgroup_done(&wg);
}

int main(void)
{
    static int indexes[N_WORKERS];
    for (int i = 0; i < N_WORKERS; i++) {
        indexes[i] = i;
        go(worker, &indexes[i]); // LINE:go
    }
    waitgroup_wait(&wg); // LINE:wait
    for (int i = 0; i < N_WORKERS; i++)
        printf("result %d: %d\n", i, results[i]); // LINE:read
    usleep(700 * 1000); /* the rest of the program: the workers run meanwhile */
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: result 0: 0
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:add}} {{OFF}}
// EXPECT:
// EXPECT: Previous atomic write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'wg' of size 16 at {{ADDR}} (waitgroup_race+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: ==================
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:
// EXPECT: Previous read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'results' of size 8 at {{ADDR}} (waitgroup_race+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 2 data race(s)
// EXPECT-COUNT: 2 WARNING: DATA RACE
