/* atomics.c SIZE: two threads, SIZE rounds each, of C11 atomic operations
 * on shared variables: a fetch_add (acq_rel) on a shared counter, a
 * store-release of the thread's own progress and a load-acquire of the
 * other thread's, and a relaxed fetch_add on a second counter. Measures
 * the cost of atomic operations, each of which the detector must treat as
 * a synchronising access (release: publish the thread's clock; acquire:
 * join the other's).
 *
 * No thread waits for the other, so the run is the same under any
 * schedule. Self-check: both counters end at 2 * SIZE, and the progress a
 * thread observes never goes backwards and never exceeds SIZE. Exit 0 when
 * all hold, 1 otherwise. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 2

static _Atomic uint64_t counter;
static _Atomic uint64_t relaxed_counter;
static _Atomic long progress[NTHREADS];
static long rounds;

static void *worker(void *arg)
{
    int self = (int)(uintptr_t)arg, other = 1 - self;
    long seen = 0;
    long bad = 0;
    for (long i = 1; i <= rounds; i++) {
        atomic_fetch_add_explicit(&counter, 1, memory_order_acq_rel);
        atomic_store_explicit(&progress[self], i, memory_order_release);
        long p = atomic_load_explicit(&progress[other], memory_order_acquire);
        bad += p < seen || p > rounds;
        seen = p;
        atomic_fetch_add_explicit(&relaxed_counter, 1, memory_order_relaxed);
    }
    return (void *)(intptr_t)bad;
}

int main(int argc, char **argv)
{
    rounds = argc > 1 ? atol(argv[1]) : 1000000;
    if (rounds < 1)
        rounds = 1;
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i) != 0) {
            fprintf(stderr, "atomics: pthread_create failed\n");
            return 2;
        }
    }
    long bad = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        pthread_join(th[i], &r);
        bad += (long)(intptr_t)r;
    }
    uint64_t want = (uint64_t)NTHREADS * (uint64_t)rounds;
    if (bad || atomic_load(&counter) != want || atomic_load(&relaxed_counter) != want) {
        fprintf(stderr, "atomics: FAILED: counter %llu, relaxed %llu, expected %llu; %ld bad observations\n",
                (unsigned long long)atomic_load(&counter), (unsigned long long)atomic_load(&relaxed_counter),
                (unsigned long long)want, bad);
        return 1;
    }
    printf("atomics: ok %d threads x %ld rounds\n", NTHREADS, rounds);
    return 0;
}
