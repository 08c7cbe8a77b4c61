/* Many rounds of a barrier with more threads than cores: each round,
 * every thread reads its neighbour's cell, waits, writes its own, waits.
 * The two waits order each phase's reads before the next phase's writes.
 *
 * Checks two things a short run may miss. A waiter whose round completed
 * between its arrival and its registration as blocked (the last arrival
 * found nobody to wake) must not stay counted as asleep while the others
 * wait for it in the next round: that made a false "all goroutines are
 * asleep". And the loop bound and the thread count, two ints in one
 * word that every thread reads once per round, must keep a bounded number
 * of records (a new one per round made each round slower than the last). */
#include <pthread.h>
#include <stdio.h>

#define THREADS 8
#define ROUNDS 3000

/* Not static: the barrier call could change them, so each round reads. */
_Alignas(8) struct {
    int threads, rounds;
} shape = {THREADS, ROUNDS};
static long cell[THREADS];
static pthread_barrier_t barrier;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    for (int r = 0; r < shape.rounds; r++) {
        long v = cell[(id + 1) % shape.threads];
        pthread_barrier_wait(&barrier);
        cell[id] = v + 1;
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    pthread_barrier_init(&barrier, NULL, THREADS);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&barrier);
    long sum = 0;
    for (int i = 0; i < THREADS; i++)
        sum += cell[i];
    printf("sum=%ld\n", sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=24000
// EXPECT-NOT: WARNING
