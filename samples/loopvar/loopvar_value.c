/*
 * loopvar, fixed: each goroutine gets the value of the loop variable, not
 * its address.
 *
 * The value is copied into the goroutine's argument when go() is called,
 * and go() happens before the goroutine starts, so each goroutine reads
 * only its own copy and main's i++ touches nothing they read. (Go: pass i
 * as an argument, `go func(i int) {...}(i)`, or, since Go 1.22, a fresh
 * variable per iteration.) The goroutines print in any order; each value
 * appears once.
 */
#include <stdint.h>
#include <stdio.h>

#include <gochan.h>

#define N_WORKERS 3

static waitgroup_t wg = WAITGROUP_INIT;

static void worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    printf("worker sees i = %d\n", i);
    waitgroup_done(&wg);
}

int main(void)
{
    printf("main: starting %d workers\n", N_WORKERS);
    for (int i = 0; i < N_WORKERS; i++) {
        waitgroup_add(&wg, 1);
        go(worker, (void *)(intptr_t)i);
    }
    waitgroup_wait(&wg);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: main: starting 3 workers
// EXPECT-COUNT: 1 worker sees i = 0
// EXPECT-COUNT: 1 worker sees i = 1
// EXPECT-COUNT: 1 worker sees i = 2
// EXPECT-NOT: WARNING
