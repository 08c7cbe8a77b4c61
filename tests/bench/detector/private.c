/* private.c SIZE: two threads, each streaming over a private array of its
 * own (reads and writes, no sharing). SIZE is the number of passes over
 * each thread's 64 KiB array. Measures the cost of plain memory accesses
 * that never race: the detector's fast path.
 *
 * Self-check: both threads run the same computation on equal arrays, so
 * their checksums must agree. Exit 0 when they do, 1 otherwise. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 2
#define WORDS (64 * 1024 / sizeof(uint64_t))

struct job {
    uint64_t *a;
    long passes;
    uint64_t sum;
};

static uint64_t run_passes(uint64_t *a, size_t n, long passes)
{
    for (size_t i = 0; i < n; i++)
        a[i] = i * 0x9e3779b97f4a7c15ull;
    for (long p = 0; p < passes; p++) {
        /* One read of a neighbour, one read-modify-write of a[i]: three
         * accesses per element, a dependency that keeps them scalar. */
        uint64_t carry = (uint64_t)p;
        for (size_t i = 0; i < n; i++) {
            uint64_t v = a[i] ^ a[(i + 7) & (n - 1)];
            carry = carry * 31 + v;
            a[i] = v + carry;
        }
    }
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = s * 1099511628211ull + a[i];
    return s;
}

static void *worker(void *arg)
{
    struct job *j = arg;
    j->sum = run_passes(j->a, WORDS, j->passes);
    return NULL;
}

int main(int argc, char **argv)
{
    long passes = argc > 1 ? atol(argv[1]) : 1000;
    if (passes < 1)
        passes = 1;
    struct job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        jobs[i].a = malloc(WORDS * sizeof(uint64_t));
        jobs[i].passes = passes;
        if (!jobs[i].a || pthread_create(&th[i], NULL, worker, &jobs[i]) != 0) {
            fprintf(stderr, "private: setup failed\n");
            return 2;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);

    int ok = 1;
    for (int i = 1; i < NTHREADS; i++)
        ok &= jobs[i].sum == jobs[0].sum;
    for (int i = 0; i < NTHREADS; i++)
        free(jobs[i].a);
    if (!ok) {
        fprintf(stderr, "private: FAILED: checksums differ\n");
        return 1;
    }
    printf("private: ok %d threads x %ld passes, checksum %016llx\n", NTHREADS, passes,
           (unsigned long long)jobs[0].sum);
    return 0;
}
