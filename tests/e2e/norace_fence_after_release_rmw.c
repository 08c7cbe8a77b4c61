/* The reference-count idiom of shared_ptr and Boost: every owner drops
 * its reference with a release fetch_sub, and the last one, having read
 * the others' releases through its own RMW, takes them with an acquire
 * fence before it reads their results and frees the object. C11 7.17.4:
 * a release synchronises with an acquire fence when an atomic operation
 * before the fence reads the value it wrote, whatever that operation's
 * own order, so an RMW that does not acquire must still gather the clock
 * it read for the fence. Silent. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { OWNERS = 4, ROUNDS = 2000 };

struct shared {
    atomic_int refs;
    long result[OWNERS];
};

static long total;

struct owner {
    struct shared *obj;
    int index;
};

static void drop(struct shared *obj)
{
    if (atomic_fetch_sub_explicit(&obj->refs, 1, memory_order_release) != 1)
        return;
    atomic_thread_fence(memory_order_acquire);
    for (int i = 0; i < OWNERS; i++)
        total += obj->result[i];
    free(obj);
}

static void *work(void *arg)
{
    struct owner *o = arg;
    o->obj->result[o->index] = o->index + 1;
    drop(o->obj);
    return NULL;
}

int main(void)
{
    for (int r = 0; r < ROUNDS; r++) {
        struct shared *obj = calloc(1, sizeof *obj);
        atomic_init(&obj->refs, OWNERS);
        pthread_t t[OWNERS];
        struct owner o[OWNERS];
        for (int i = 0; i < OWNERS; i++) {
            o[i] = (struct owner){obj, i};
            pthread_create(&t[i], NULL, work, &o[i]);
        }
        for (int i = 0; i < OWNERS; i++)
            pthread_join(t[i], NULL);
    }
    printf("total=%ld\n", total);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: total=20000
// EXPECT-NOT: WARNING
