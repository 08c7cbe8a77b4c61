/* Objects shared by two goroutines, each dropping its reference with an
 * acq_rel fetch_sub; the one that drops the last frees the object, and
 * the next malloc often returns the same block. The other's fetch_sub
 * released before that free: checked only once the object's lock was let
 * go, it met the free (or the next object's allocation) as racing with
 * it, on most runs. Race-free. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct obj {
    atomic_int ref;
    int data;
};

#define ROUNDS 50000
static struct obj *_Atomic slot;

static void put(struct obj *o)
{
    if (atomic_fetch_sub_explicit(&o->ref, 1, memory_order_acq_rel) == 1)
        free(o);
}

static void *taker(void *arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < ROUNDS; i++) {
        struct obj *o;
        while (!(o = atomic_exchange_explicit(&slot, NULL, memory_order_acquire)))
            ;
        sum += o->data;
        put(o);
    }
    return (void *)sum;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, taker, NULL);
    for (int i = 0; i < ROUNDS; i++) {
        struct obj *o = malloc(sizeof *o);
        o->data = 1;
        atomic_init(&o->ref, 2);
        atomic_store_explicit(&slot, o, memory_order_release);
        put(o);
        while (atomic_load_explicit(&slot, memory_order_acquire))
            ;
    }
    void *sum;
    pthread_join(t, &sum);
    printf("%ld\n", (long)sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 50000
// EXPECT-NOT: WARNING
