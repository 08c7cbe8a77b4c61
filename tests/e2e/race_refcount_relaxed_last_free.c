/* The twin of norace_refcount_last_free with the references dropped by a
 * relaxed fetch_sub: the last owner acquires nothing, so its free is not
 * ordered after the other goroutine's use of the object (its read of
 * data, its own fetch_sub). The free is reported racing with one or
 * both, whichever goroutine made it. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct obj {
    atomic_int ref;
    int data;
};

#define ROUNDS 2000
static struct obj *_Atomic slot;

static void put(struct obj *o)
{
    if (atomic_fetch_sub_explicit(&o->ref, 1, memory_order_relaxed) == 1)
        free(o); // LINE:free
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

// EXPECT-EXIT: 66
// EXPECT: 2000
// EXPECT: WARNING: DATA RACE
// EXPECT:   put()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
