/* atomic_array.c SIZE: two threads each add one to every element of an
 * array of SIZE atomic counters (acquire-release), in the same order,
 * PASSES times.
 * Measures synchronisation objects at scale: each element that is used
 * atomically is one, SIZE of them, every operation finds its own.
 *
 * Self-check: every counter ends at 2 * PASSES. Exit 0 when it does. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define PASSES 8

static _Atomic int *counters;
static long n;

static void *worker(void *arg)
{
    (void)arg;
    for (int p = 0; p < PASSES; p++)
        for (long i = 0; i < n; i++)
            atomic_fetch_add_explicit(&counters[i], 1, memory_order_acq_rel);
    return NULL;
}

int main(int argc, char **argv)
{
    n = argc > 1 ? atol(argv[1]) : 100000;
    if (n < 1)
        n = 1;
    counters = calloc((size_t)n, sizeof(*counters));
    if (!counters)
        return 2;
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        if (pthread_create(&th[i], NULL, worker, NULL) != 0) {
            fprintf(stderr, "atomic_array: pthread_create failed\n");
            return 2;
        }
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (long i = 0; i < n; i++) {
        if (atomic_load_explicit(&counters[i], memory_order_relaxed) != 2 * PASSES) {
            fprintf(stderr, "atomic_array: FAILED: counter %ld is %d\n", i, counters[i]);
            return 1;
        }
    }
    free(counters);
    printf("atomic_array: ok 2 threads x %d passes x %ld counters\n", PASSES, n);
    return 0;
}
