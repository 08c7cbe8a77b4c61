/* The twin of race_atomic_release_sequences_ended: the third goroutine
 * adds to x (a relaxed read-modify-write) instead of storing to it. An
 * RMW continues every release sequence (C11 5.1.2.4), so the reader's
 * acquire load of 10 synchronises with both releases: its reads of a and
 * b are ordered after the writes. No race, exit 0. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static int a, b;
static atomic_int x;

static void wait_for(int v)
{
    while (atomic_load_explicit(&x, memory_order_relaxed) != v)
        ;
}

static void *first(void *arg)
{
    a = 1;
    atomic_store_explicit(&x, 1, memory_order_release);
    return arg;
}

static void *second(void *arg)
{
    wait_for(1);
    b = 2;
    atomic_fetch_add_explicit(&x, 1, memory_order_release);
    return arg;
}

static void *third(void *arg)
{
    wait_for(2);
    atomic_fetch_add_explicit(&x, 8, memory_order_relaxed);
    return arg;
}

static void *reader(void *arg)
{
    /* Relaxed until 10 is there: an acquire load that read 1 or 2
     * would synchronise with that release. */
    wait_for(10);
    atomic_load_explicit(&x, memory_order_acquire);
    int ra = a;
    int rb = b;
    printf("a=%d b=%d\n", ra, rb);
    return arg;
}

int main(void)
{
    void *(*fns[4])(void *) = {first, second, third, reader};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, fns[i], NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: a=1 b=2
// EXPECT-NOT: WARNING
