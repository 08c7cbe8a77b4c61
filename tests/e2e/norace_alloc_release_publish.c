/* The twin of race_alloc_unsynced_publish.c: main allocates a block and
 * publishes the pointer with a release store, without writing the block
 * first; the worker finds it with an acquire load and writes into it,
 * then main reads the result after the join. The allocation happens
 * before the worker's write: silent. A calloc'd block (its zeroing is the
 * allocation's write) goes the same way. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct job {
    int id;
    int result;
};

static _Atomic(struct job *) published;
static _Atomic(int *) counters;

static void *worker(void *arg)
{
    (void)arg;
    struct job *j;
    while ((j = atomic_load_explicit(&published, memory_order_acquire)) == NULL)
        ;
    j->result = 7;
    int *c;
    while ((c = atomic_load_explicit(&counters, memory_order_acquire)) == NULL)
        ;
    c[3] += 5;
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    struct job *j = malloc(sizeof(*j));
    atomic_store_explicit(&published, j, memory_order_release);
    int *c = calloc(8, sizeof(int));
    atomic_store_explicit(&counters, c, memory_order_release);
    pthread_join(t, NULL);
    printf("result=%d counter=%d\n", j->result, c[3]);
    free(c);
    free(j);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: result=7 counter=5
// EXPECT-NOT: WARNING
