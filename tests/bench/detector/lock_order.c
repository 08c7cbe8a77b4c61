/* lock_order.c SIZE: four threads each take SIZE random pairs of 1,024
 * mutexes, always the lower-numbered one first (the classic way to avoid
 * deadlock: accounts locked by number), and move a unit between two
 * counters under both, with some private work between pairs. Measures
 * the lock-order graph at scale: every pair is an edge, hundreds of
 * thousands of them, none closing a cycle, each new one checked for the
 * cycle it could close.
 *
 * Self-check: the units moved add up to zero. Exit 0 when they do. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 4
#define NLOCKS 1024

static pthread_mutex_t locks[NLOCKS];
static long balance[NLOCKS];
static long iters;

static void *worker(void *arg)
{
    uint64_t x = (uintptr_t)arg * 0x9e3779b97f4a7c15ull + 1, y = x;
    for (long i = 0; i < iters; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        unsigned a = (unsigned)(x >> 33) % NLOCKS, b = (unsigned)(x >> 13) % NLOCKS;
        if (a == b)
            continue;
        unsigned lo = a < b ? a : b, hi = a < b ? b : a;
        pthread_mutex_lock(&locks[lo]);
        pthread_mutex_lock(&locks[hi]);
        balance[a]--;
        balance[b]++;
        pthread_mutex_unlock(&locks[hi]);
        pthread_mutex_unlock(&locks[lo]);
        for (int k = 0; k < 64; k++) /* private work, in registers */
            y = y * 6364136223846793005ull + 1442695040888963407ull;
    }
    return (void *)(uintptr_t)(y == 0); /* keeps y live */
}

int main(int argc, char **argv)
{
    iters = argc > 1 ? atol(argv[1]) : 10000;
    for (int i = 0; i < NLOCKS; i++)
        pthread_mutex_init(&locks[i], NULL);
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i) != 0) {
            fprintf(stderr, "lock_order: pthread_create failed\n");
            return 2;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    long sum = 0;
    for (int i = 0; i < NLOCKS; i++)
        sum += balance[i];
    if (sum != 0) {
        fprintf(stderr, "lock_order: FAILED: balances add up to %ld\n", sum);
        return 1;
    }
    printf("lock_order: ok %d threads x %ld pairs of %d locks\n", NTHREADS, iters, NLOCKS);
    return 0;
}
