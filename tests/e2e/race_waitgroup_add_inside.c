/* The classic bug: waitgroup_add inside the goroutine. Nothing orders the
 * Add after the Wait has started, so Wait may return before the work is
 * counted: here it does, finding the counter zero. Go's detector sees
 * this race only when the Wait blocks first (its first waiter writes the
 * WaitGroup); crace also counts a Wait that returns at once on a WaitGroup
 * no Add has raised yet, as an atomic write (so that such Waits do not
 * race with one another), which the Add's read races with. */
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static waitgroup_t wg = WAITGROUP_INIT;
/* Relaxed: tells main the worker is done without ordering anything, so
 * main outlives the worker however slow the machine is. */
static atomic_int finished;

static void worker(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    waitgroup_add(&wg, 1); // LINE:add
    waitgroup_done(&wg);
    atomic_store_explicit(&finished, 1, memory_order_relaxed);
}

int main(void)
{
    go(worker, NULL);
    waitgroup_wait(&wg); // LINE:wait
    while (!atomic_load_explicit(&finished, memory_order_relaxed))
        usleep(10 * 1000);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:add}} {{OFF}}
// EXPECT: Previous atomic write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
