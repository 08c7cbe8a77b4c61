/* A race found just as main returns: the second goroutine's write races
 * with the first's, and main returns right after that write starts. The
 * report takes milliseconds to build (the previous access's stack
 * restored, symbols read), and exit cut it off: the run ended 0 with
 * nothing printed. The end of the process now waits for the reports in
 * progress. */
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <gochan.h>

int total;
static atomic_int first_done, writing; /* relaxed: they time the run, order nothing */

static void first(void *arg)
{
    (void)arg;
    total = 1; // LINE:first
    atomic_store_explicit(&first_done, 1, memory_order_relaxed);
}

static void second(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&first_done, memory_order_relaxed))
        usleep(1000);
    atomic_store_explicit(&writing, 1, memory_order_relaxed);
    total = 2; // LINE:second
}

int main(void)
{
    go(first, NULL);
    go(second, NULL);
    while (!atomic_load_explicit(&writing, memory_order_relaxed))
        ;
    /* Long enough for the write to start (and be found racing), far
     * shorter than its report takes to build. */
    struct timespec ts = {0, 5 * 1000 * 1000};
    nanosleep(&ts, NULL);
    printf("main returns\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: main returns
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   second()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   first()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT: Found 1 data race(s)
