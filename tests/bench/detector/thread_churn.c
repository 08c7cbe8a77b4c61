/* thread_churn.c SIZE: creates and joins SIZE threads, at most 8 alive at
 * a time, each doing a little work: it reads a shared input main wrote,
 * sums a small stack array and stores its result in its own slot of a
 * shared array, which main reads after the join. Measures thread creation,
 * start-up and exit/join in the detector: per-thread state, slot reuse,
 * the create and join happens-before edges.
 *
 * Self-check: every slot must hold its thread's expected result. Exit 0
 * when all do, 1 otherwise. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BATCH 8
#define WORK 64

static uint64_t input[WORK]; /* written by main before any thread exists */
static uint64_t *results;

static void *worker(void *arg)
{
    long id = (long)(intptr_t)arg;
    uint64_t local[WORK];
    for (int i = 0; i < WORK; i++)
        local[i] = input[i] ^ (uint64_t)id;
    uint64_t s = 0;
    for (int i = 0; i < WORK; i++)
        s += local[i];
    results[id] = s;
    return NULL;
}

static uint64_t expected(long id)
{
    uint64_t s = 0;
    for (int i = 0; i < WORK; i++)
        s += input[i] ^ (uint64_t)id;
    return s;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000;
    if (n < 1)
        n = 1;
    results = calloc((size_t)n, sizeof *results);
    if (!results)
        return 2;
    for (int i = 0; i < WORK; i++)
        input[i] = (uint64_t)i * 0x9e3779b97f4a7c15ull;

    pthread_t th[BATCH];
    for (long base = 0; base < n; base += BATCH) {
        int k = n - base < BATCH ? (int)(n - base) : BATCH;
        for (int i = 0; i < k; i++) {
            if (pthread_create(&th[i], NULL, worker, (void *)(intptr_t)(base + i)) != 0) {
                fprintf(stderr, "thread_churn: pthread_create failed at thread %ld\n", base + i);
                return 2;
            }
        }
        for (int i = 0; i < k; i++)
            pthread_join(th[i], NULL);
    }

    long bad = 0;
    for (long id = 0; id < n; id++)
        bad += results[id] != expected(id);
    free(results);
    if (bad) {
        fprintf(stderr, "thread_churn: FAILED: %ld of %ld threads gave a wrong result\n", bad, n);
        return 1;
    }
    printf("thread_churn: ok %ld threads\n", n);
    return 0;
}
