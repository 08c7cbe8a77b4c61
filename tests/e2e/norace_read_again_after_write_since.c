/* The race-free twin of race_read_again_after_write_since: main tells
 * the worker to go on with a release store, which the worker's polling
 * acquires, so main's write of half of 'limit' happens before the
 * worker's next read. The read, which looks at the word's records again
 * because of the write, finds it ordered. */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

/* Read whole, written by halves: a write of one half does not replace
 * the reader's record of the whole word, so it marks it instead. */
static union {
    uint64_t all;
    uint32_t half[2];
} limit = {10};
static atomic_int go_on;
static sem_t warmed_up;
static pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < 3; i++) {
        pthread_mutex_lock(&own);
        sum += limit.all;
        pthread_mutex_unlock(&own);
    }
    sem_post(&warmed_up);
    while (!atomic_load_explicit(&go_on, memory_order_acquire))
        ;
    pthread_mutex_lock(&own);
    sum += limit.all;
    pthread_mutex_unlock(&own);
    return (void *)sum;
}

int main(void)
{
    pthread_t th;
    void *sum;
    sem_init(&warmed_up, 0, 0);
    pthread_create(&th, NULL, worker, NULL);
    sem_wait(&warmed_up);
    limit.half[0] = 20;
    atomic_store_explicit(&go_on, 1, memory_order_release);
    pthread_join(th, &sum);
    printf("sum=%ld\n", (long)sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=50
// EXPECT-NOT: WARNING
