/*
 * counter, buggy: 1,000 goroutines each add one to a shared counter.
 *
 * The bug: counter++ is a read, an add and a write (spelt out below, with
 * a yield in the middle to make the window wide, as Go demos do with
 * runtime.Gosched). Two goroutines can read the same value and both write
 * it back plus one, so increments are lost: the program prints less than
 * 1000. Nothing orders one goroutine's increment before another's, so
 * this is a data race even on a run that happens to print 1000.
 *
 * The fix: counter_mutex.c makes each increment a critical section;
 * counter_atomic.c makes it one atomic read-modify-write.
 */
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

#define N_GOROUTINES 1000

static int counter;
static waitgroup_t wg = WAITGROUP_INIT;

static void increment(void *arg)
{
    (void)arg;
    int v = counter; // LINE:read
    sched_yield();
    counter = v + 1; // LINE:write
    waitgroup_done(&wg);
}

int main(void)
{
    for (int i = 0; i < N_GOROUTINES; i++) {
        waitgroup_add(&wg, 1);
        go(increment, NULL); // LINE:go
        /* Lets the first two goroutines increment one after the other, so
         * the report names goroutines 3 and 2 on every run. A sleep
         * orders them in time only: it is no synchronisation. */
        if (i < 2)
            usleep(100 * 1000);
    }
    waitgroup_wait(&wg);
    printf("counter = %d (expected %d)\n", counter, N_GOROUTINES);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   increment()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   increment()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'counter' of size 4 at {{ADDR}} (counter_race+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
