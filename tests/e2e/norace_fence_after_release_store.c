/* A release store, read by a relaxed load that an acquire fence follows:
 * C11 makes the store synchronise with the fence, so the data write
 * happens before the data read. The acquire fence is the first fence the
 * program runs, after the loads: crace must know from the start that
 * the program uses fences (a relaxed load gathers the clock that the
 * fence later takes), not from the first fence it sees. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

int data;
static atomic_int flag;

static void *producer(void *arg)
{
    (void)arg;
    data = 42;
    atomic_store_explicit(&flag, 1, memory_order_release);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&flag, memory_order_relaxed))
        ;
    atomic_thread_fence(memory_order_acquire);
    return (void *)(long)data;
}

int main(void)
{
    pthread_t p, c;
    void *got;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, &got);
    printf("got=%ld\n", (long)got);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: got=42
// EXPECT-NOT: WARNING
