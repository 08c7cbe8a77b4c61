/* A heap record published with a release store of its pointer and picked
 * up with an acquire load: the record's fields, written before the
 * release, are read after the acquire without a race. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct record {
    int a;
    long b;
    char name[16];
};

static _Atomic(struct record *) published;

static void *producer(void *arg)
{
    (void)arg;
    struct record *r = malloc(sizeof(*r));
    r->a = 7;
    r->b = 700;
    snprintf(r->name, sizeof(r->name), "seven");
    atomic_store_explicit(&published, r, memory_order_release);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    struct record *r;
    while (!(r = atomic_load_explicit(&published, memory_order_acquire)))
        ;
    printf("a=%d b=%ld name=%s\n", r->a, r->b, r->name);
    free(r);
    return NULL;
}

int main(void)
{
    pthread_t p, c;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: a=7 b=700 name=seven
// EXPECT-NOT: WARNING
