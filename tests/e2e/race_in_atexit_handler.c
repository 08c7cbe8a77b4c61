/* An atexit handler races with a detached worker: the worker's write of
 * `total` and the handler's are unordered (main only slept). The race is
 * found after main returned, while exit runs its handlers; it is counted
 * in the summary and the exit status is 66. Before, the reckoning ran when
 * main returned: the report was printed but the run exited 0. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int total;

static void *worker(void *arg)
{
    (void)arg;
    total += 1; // LINE:worker
    return NULL;
}

static void report_total(void)
{
    total = 10; // LINE:handler
    printf("total %d\n", total);
}

int main(void)
{
    atexit(report_total);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    pthread_detach(t);
    usleep(100 * 1000); /* the worker has finished by now */
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: total 10
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   report_total()
// EXPECT:       {{FILE}}:{{LINE:handler}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'total' of size 4 at {{ADDR}} (race_in_atexit_handler+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
