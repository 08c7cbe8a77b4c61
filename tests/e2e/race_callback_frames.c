/* Races inside functions libc calls back: a qsort comparator that counts
 * its comparisons in a global a monitor reads unordered, and a
 * pthread_once init function that sets a flag another goroutine reads
 * without pthread_once. Each stack goes on through the function that
 * called into libc (sort_scores, get_limits) to main, as in
 * ThreadSanitizer's reports: the callback's own entry records only the
 * libc pc that called it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static long comparisons;
static pthread_once_t limits_once = PTHREAD_ONCE_INIT;
static int limits_ready;
static int written; /* relaxed: orders nothing */

static int by_value(const void *a, const void *b)
{
    comparisons++; // LINE:count
    return *(const int *)a - *(const int *)b;
}

static void sort_scores(int *v, int n)
{
    qsort(v, n, sizeof(int), by_value); // LINE:qsort
}

static void load_limits(void)
{
    limits_ready = 1; // LINE:limits
}

static void get_limits(void)
{
    pthread_once(&limits_once, load_limits); // LINE:once
}

static void *monitor(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&written, __ATOMIC_RELAXED))
        ;
    printf("comparisons so far: %ld\n", comparisons > 0 ? 1L : 0L); // LINE:monitor
    printf("limits ready: %d\n", limits_ready >= 0); // LINE:peek
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, monitor, NULL);
    int v[8] = {5, 3, 7, 1, 8, 2, 6, 4};
    sort_scores(v, 8); // LINE:main_sort
    get_limits(); // LINE:main_once
    __atomic_store_n(&written, 1, __ATOMIC_RELAXED);
    pthread_join(t, NULL);
    return 0;
}

// CFLAGS: -O0
// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   monitor()
// EXPECT:       {{FILE}}:{{LINE:monitor}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   by_value()
// EXPECT:       {{FILE}}:{{LINE:count}} {{OFF}}
// EXPECT:   sort_scores()
// EXPECT:       {{FILE}}:{{LINE:qsort}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main_sort}} {{OFF}}
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   monitor()
// EXPECT:       {{FILE}}:{{LINE:peek}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   load_limits()
// EXPECT:       {{FILE}}:{{LINE:limits}} {{OFF}}
// EXPECT:   get_limits()
// EXPECT:       {{FILE}}:{{LINE:once}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main_once}} {{OFF}}
// EXPECT-COUNT: 2 WARNING: DATA RACE
