/* read_shared.c SIZE: main fills a 1 MiB table once, then two threads
 * read it concurrently (no writes after they start). SIZE is the number
 * of full passes each thread makes. Measures concurrent reads of shared
 * memory whose last write happened before the threads were created: every
 * access must be checked against the other reader's and the initial
 * writer's, and none may be reported.
 *
 * Each pass visits every entry once in a scattered order (an odd stride
 * modulo a power of two), so a thread's sum is SIZE times the table's
 * sum, which main computes before the threads start. Exit 0 when both
 * threads get it, 1 otherwise. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 2
#define ENTRIES (256 * 1024) /* uint32_t: 1 MiB */

static uint32_t *table;
static long passes;

struct job {
    unsigned stride;
    uint64_t sum;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    uint64_t sum = 0;
    for (long p = 0; p < passes; p++) {
        size_t idx = (size_t)p;
        for (size_t i = 0; i < ENTRIES; i++) {
            idx = (idx + j->stride) & (ENTRIES - 1);
            sum += table[idx];
        }
    }
    j->sum = sum;
    return NULL;
}

int main(int argc, char **argv)
{
    passes = argc > 1 ? atol(argv[1]) : 100;
    if (passes < 1)
        passes = 1;
    table = malloc(ENTRIES * sizeof(uint32_t));
    if (!table)
        return 2;
    uint64_t one = 0;
    for (size_t i = 0; i < ENTRIES; i++) {
        table[i] = (uint32_t)(i * 2654435761u);
        one += table[i];
    }

    /* Different odd strides: the threads walk the table in different orders. */
    struct job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        jobs[i].stride = 1 + 2 * (unsigned)(16 + 64 * i); /* 33, 161: line-skipping */
        if (pthread_create(&th[i], NULL, worker, &jobs[i]) != 0) {
            fprintf(stderr, "read_shared: pthread_create failed\n");
            return 2;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);

    int ok = 1;
    for (int i = 0; i < NTHREADS; i++)
        ok &= jobs[i].sum == one * (uint64_t)passes;
    free(table);
    if (!ok) {
        fprintf(stderr, "read_shared: FAILED: sums differ from the table's\n");
        return 1;
    }
    printf("read_shared: ok %d threads x %ld passes over %d entries\n", NTHREADS, passes, ENTRIES);
    return 0;
}
