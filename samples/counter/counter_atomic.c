/*
 * counter, fixed with an atomic: the increment is one indivisible
 * read-modify-write.
 *
 * atomic_fetch_add cannot lose an update, and two atomic accesses never
 * race. Relaxed order is enough here: the goroutines only count, and
 * waitgroup_wait orders every increment before main reads the total.
 * (Go: atomic.AddInt64, or atomic.Int64.Add.)
 */
#include <stdatomic.h>
#include <stdio.h>

#include <gochan.h>

#define N_GOROUTINES 1000

static atomic_int counter;
static waitgroup_t wg = WAITGROUP_INIT;

static void increment(void *arg)
{
    (void)arg;
    atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
    waitgroup_done(&wg);
}

int main(void)
{
    for (int i = 0; i < N_GOROUTINES; i++) {
        waitgroup_add(&wg, 1);
        go(increment, NULL);
    }
    waitgroup_wait(&wg);
    printf("counter = %d (expected %d)\n", atomic_load(&counter), N_GOROUTINES);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: counter = 1000 (expected 1000)
// EXPECT-NOT: WARNING
