/* One goroutine publishes a word with a release compare-exchange; the
 * other acquires it, resets the word with a plain memset and hands the
 * turn back through a flag. The exchange released before the reset:
 * checked only once the word's lock was let go, it met the reset as
 * racing with it (the shape of an allocator clearing a page whose
 * thread-free list another thread pushed to). Race-free. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define ROUNDS 100000
static _Atomic long word;
static atomic_int turn;

static void *publisher(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        long expected = 0;
        while (!atomic_compare_exchange_strong_explicit(&word, &expected, 1, memory_order_release,
                                                        memory_order_relaxed))
            expected = 0;
        while (atomic_load_explicit(&turn, memory_order_acquire) == 0)
            ;
        atomic_store_explicit(&turn, 0, memory_order_relaxed);
    }
    return NULL;
}

static void *resetter(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        while (atomic_load_explicit(&word, memory_order_acquire) != 1)
            ;
        memset((void *)&word, 0, sizeof word);
        atomic_store_explicit(&turn, 1, memory_order_release);
        while (atomic_load_explicit(&turn, memory_order_relaxed) != 0)
            ;
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, publisher, NULL);
    pthread_create(&b, NULL, resetter, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    puts("done");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: done
// EXPECT-NOT: WARNING
