/* Atomic read-modify-writes from many threads never race with each other:
 * an _Atomic counter (relaxed fetch_add) and a plain long updated only
 * with __atomic builtins, which main then reads plainly after the joins. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define THREADS 4
#define ROUNDS 10000

static atomic_int counter;
long plain_total;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
        __atomic_fetch_add(&plain_total, 2, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("counter=%d plain=%ld\n", atomic_load(&counter), plain_total);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: counter=40000 plain=80000
// EXPECT-NOT: WARNING
