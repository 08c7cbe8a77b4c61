/* The race-free twin of race_release_sequence_broken.c: T2 overwrites
 * the flag with a relaxed RMW (fetch_add) instead of a store, which
 * continues T1's release sequence (C11 5.1.2.4), so T3's acquire load of
 * T2's value synchronises with T1's release store. Silent. (An exchange
 * whose result is unused would not do: clang compiles it as a store.) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

int data;
static atomic_int flag;

static void *publisher(void *arg)
{
    (void)arg;
    data = 42;
    atomic_store_explicit(&flag, 1, memory_order_release);
    return NULL;
}

static void *overwriter(void *arg)
{
    (void)arg;
    while (atomic_load_explicit(&flag, memory_order_relaxed) != 1)
        usleep(1000);
    atomic_fetch_add_explicit(&flag, 1, memory_order_relaxed);
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    while (atomic_load_explicit(&flag, memory_order_relaxed) != 2)
        usleep(1000);
    if (atomic_load_explicit(&flag, memory_order_acquire) == 2)
        return (void *)(long)data;
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    void *(*fn[3])(void *) = {publisher, overwriter, reader};
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, fn[i], NULL);
    void *got = NULL;
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], i == 2 ? &got : NULL);
    printf("got=%ld\n", (long)got);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: got=42
// EXPECT-NOT: WARNING
