/* Fence-based publication: a release fence then a relaxed store; a relaxed
 * load that sees it, then an acquire fence. C11 makes the data write
 * happen before the data read. (ThreadSanitizer ignores fences and
 * reports a false race here; crace must not.) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

int data;
static atomic_int flag;

static void *producer(void *arg)
{
    (void)arg;
    data = 42;
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&flag, 1, memory_order_relaxed);
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
