/* A goroutine spins on a select with a default case, waiting for a value
 * that comes late: it burns a CPU, found nothing ready far more than a
 * million times a second. Reported once (not once per window) for that
 * goroutine and select. */
#include <stdio.h>
#include <time.h>

#include <gochan.h>

static chan_t *results;
static waitgroup_t wg = WAITGROUP_INIT;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void spinner(void *arg)
{
    (void)arg;
    long polls = 0;
    int v;
    double start = now();
    /* Five million polls take a fraction of a second; a machine slower
     * than a million polls a second is never busy enough to report. */
    while (polls < 5 * 1000 * 1000 && now() - start < 2.5) {
        chan_case cases[] = {CHAN_RECV_CASE(results, &v)};
        for (int i = 0; i < 1000; i++, polls++)
            if (chan_select(cases, 1, true) >= 0) // LINE:select
                break;
    }
    waitgroup_done(&wg);
}

int main(void)
{
    results = chan_make(sizeof(int), 1);
    waitgroup_add(&wg, 1);
    go(spinner, NULL); // LINE:go
    waitgroup_wait(&wg);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: ==================
// EXPECT: WARNING: BUSY SELECT LOOP
// EXPECT:   spinner()
// EXPECT:       {{FILE}}:{{LINE:select}} {{OFF}}
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 busy select loop(s)
// EXPECT-COUNT: 1 Goroutine 2 runs a select with a default case that found nothing ready
// EXPECT-COUNT: 1 WARNING: BUSY SELECT LOOP
