/* The race-free twin of race_atomic_after_plain_read_since: main tells
 * the worker to go on with a release store, which the worker's polling
 * acquires, so main's plain read of 'hits' happens before the worker's
 * next add. The add, which looks at the counter's records again because
 * of the read, finds it ordered. */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>

static long hits;
static atomic_int go_on;
static sem_t warmed_up;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        __atomic_fetch_add(&hits, 1, __ATOMIC_RELEASE);
    sem_post(&warmed_up);
    while (!atomic_load_explicit(&go_on, memory_order_acquire))
        ;
    __atomic_fetch_add(&hits, 1, __ATOMIC_RELEASE);
    return NULL;
}

int main(void)
{
    pthread_t th;
    hits = 10;
    sem_init(&warmed_up, 0, 0);
    pthread_create(&th, NULL, worker, NULL);
    sem_wait(&warmed_up);
    long seen = hits;
    atomic_store_explicit(&go_on, 1, memory_order_release);
    pthread_join(th, NULL);
    printf("seen=%ld hits=%ld\n", seen, hits);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: seen=13 hits=14
// EXPECT-NOT: WARNING
