/* The same pair of lines races twice, on two variables reached through
 * two call paths: two reports in the text (their stacks differ), "Found 2
 * data race(s)", but one finding for crace run and crace report, whose
 * key is the pair of lines (docs/report-format.md, dedup_key). crace
 * run's summary says both numbers; it said "found 1 data race(s)" under
 * the process's "Found 2", which read as a contradiction. */
#include <pthread.h>
#include <unistd.h>

int x, y;

__attribute__((noinline)) static void inc(int *p)
{
    (*p)++; // LINE:inc
}

__attribute__((noinline)) static void set(int *p)
{
    *p = 5; // LINE:set
}

static void *bump_x(void *arg)
{
    inc(&x);
    return arg;
}

static void *bump_y(void *arg)
{
    inc(&y);
    return arg;
}

static void *reset(void *arg)
{
    usleep(50 * 1000); /* after both increments */
    set(&x);
    set(&y);
    return arg;
}

int main(void)
{
    void *(*fns[3])(void *) = {bump_x, bump_y, reset};
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, fns[i], NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT:       {{FILE}}:{{LINE:set}} {{OFF}}
// EXPECT:       {{FILE}}:{{LINE:inc}} {{OFF}}
// EXPECT: WARNING: DATA RACE
// EXPECT:       {{FILE}}:{{LINE:set}} {{OFF}}
// EXPECT:       {{FILE}}:{{LINE:inc}} {{OFF}}
// EXPECT: Found 2 data race(s)
// EXPECT: crace: 1 process ran under the detector; found 1 data race(s) in 2 reports
// EXPECT-COUNT: 2 WARNING: DATA RACE
