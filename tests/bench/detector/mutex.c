/* mutex.c SIZE: four threads increment shared counters under one pthread
 * mutex, SIZE lock/unlock pairs per thread, with a little private work
 * between critical sections. Measures the cost of lock acquire/release
 * (vector clock joins and copies) and of accesses to memory passed from
 * thread to thread by a lock.
 *
 * Self-check: every counter must end at its exact count. Exit 0 when it
 * does, 1 otherwise. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 4
#define NCOUNTERS 8

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t counters[NCOUNTERS];
static uint64_t total;
static long iters;

static void *worker(void *arg)
{
    uint64_t x = (uintptr_t)arg + 1;
    for (long i = 0; i < iters; i++) {
        pthread_mutex_lock(&mu);
        counters[i % NCOUNTERS]++;
        total++;
        pthread_mutex_unlock(&mu);
        /* A few steps of private work, so the lock is not held back to back. */
        for (int k = 0; k < 8; k++)
            x = x * 6364136223846793005ull + 1442695040888963407ull;
    }
    return (void *)(uintptr_t)(x == 0); /* keeps x live */
}

int main(int argc, char **argv)
{
    iters = argc > 1 ? atol(argv[1]) : 100000;
    if (iters < 1)
        iters = 1;
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i) != 0) {
            fprintf(stderr, "mutex: pthread_create failed\n");
            return 2;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);

    int ok = total == (uint64_t)NTHREADS * (uint64_t)iters;
    uint64_t sum = 0;
    for (int c = 0; c < NCOUNTERS; c++) {
        uint64_t want = (uint64_t)NTHREADS * (uint64_t)(iters / NCOUNTERS + (c < iters % NCOUNTERS));
        ok &= counters[c] == want;
        sum += counters[c];
    }
    ok &= sum == total;
    if (!ok) {
        fprintf(stderr, "mutex: FAILED: total %llu, expected %llu\n", (unsigned long long)total,
                (unsigned long long)NTHREADS * (unsigned long long)iters);
        return 1;
    }
    printf("mutex: ok %d threads x %ld lock/unlock\n", NTHREADS, iters);
    return 0;
}
