/* ThreadSanitizer's atomic_race test: a thread writes or reads
 * four counters plainly while main updates, loads or stores each
 * atomically, once in each order: eight races, at four pairs of
 * branches of one function. clang gives code it merges out of those
 * branches line 0, which frames show at the closest line before (the
 * if's); two races of such code must not pass for one because their
 * guessed lines agree: all eight are reported. The barrier is one the
 * detector does not see (ThreadSanitizer's test.h); the loops print
 * their steps, as the original's do (which keeps clang from unrolling
 * them into code of its own for each branch). Only the clang build has
 * such code: the gcc build checks that all eight are found, not the
 * guessed lines. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

extern "C" void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count);
extern "C" void __tsan_testonly_barrier_wait(unsigned *barrier);

#define TESTS 4
static unsigned barrier;
static long long atomics[TESTS * 2];

void test(int which, long long *p, bool main_thread)
{
    volatile long long sink;
    if (which == 0) {
        if (main_thread)
            __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
        else
            *p = 42;
    } else if (which == 1) {
        if (main_thread)
            __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
        else
            sink = *p;
    } else if (which == 2) {
        if (main_thread)
            sink = __atomic_load_n(p, __ATOMIC_SEQ_CST);
        else
            *p = 42;
    } else if (which == 3) {
        if (main_thread)
            __atomic_store_n(p, 1, __ATOMIC_SEQ_CST);
        else
            sink = *p;
    }
    (void)sink;
}

static void *thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < TESTS; i++)
        test(i, &atomics[i], false);
    __tsan_testonly_barrier_wait(&barrier);
    __tsan_testonly_barrier_wait(&barrier);
    for (int i = 0; i < TESTS; i++) {
        fprintf(stderr, "test %d reverse\n", i);
        test(i, &atomics[TESTS + i], false);
    }
    return NULL;
}

int main(void)
{
    __tsan_testonly_barrier_init(&barrier, 2);
    pthread_t t;
    pthread_create(&t, NULL, thread, NULL);
    __tsan_testonly_barrier_wait(&barrier);
    for (int i = 0; i < TESTS; i++) {
        fprintf(stderr, "test %d\n", i);
        test(i, &atomics[i], true);
    }
    for (int i = 0; i < TESTS; i++)
        test(i, &atomics[TESTS + i], true);
    __tsan_testonly_barrier_wait(&barrier);
    pthread_join(t, NULL);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: WARNING: DATA RACE
// EXPECT: Found 8 data race(s)
// EXPECT-COUNT: 8 WARNING: DATA RACE
