/* A thread that reads a word again in every epoch (here after each lock
 * of its own mutex) replaces its own record of the read without reading
 * what other threads recorded there; a write another thread made since
 * must still be met. The worker reads 'limit' a few times and posts a
 * semaphore; main, ordered after those reads, writes half of it and then
 * tells the worker to go on with a relaxed store (no synchronisation).
 * The worker's next read races with main's write. */
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
    while (!atomic_load_explicit(&go_on, memory_order_relaxed))
        ;
    pthread_mutex_lock(&own);
    sum += limit.all; // LINE:read_again
    pthread_mutex_unlock(&own);
    return (void *)sum;
}

int main(void)
{
    pthread_t th;
    void *sum;
    sem_init(&warmed_up, 0, 0);
    pthread_create(&th, NULL, worker, NULL); // LINE:create
    sem_wait(&warmed_up);
    limit.half[0] = 20; // LINE:write
    atomic_store_explicit(&go_on, 1, memory_order_relaxed);
    pthread_join(th, &sum);
    printf("sum=%ld\n", (long)sum);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: sum=50
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:read_again}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Location is global 'limit' of size 8 at {{ADDR}} (race_read_again_after_write_since+{{ADDR}})
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
