/* A thread that keeps updating an atomic counter replaces its own record
 * of it without reading what other threads recorded there; a plain access
 * another thread made since must still be met. main initialises 'hits'
 * plainly, the worker adds to it a few times and posts a semaphore; main,
 * ordered after those adds, reads 'hits' plainly and then tells the
 * worker to go on with a relaxed store (no synchronisation). The worker's
 * next add races with main's read. */
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
    while (!atomic_load_explicit(&go_on, memory_order_relaxed))
        ;
    __atomic_fetch_add(&hits, 1, __ATOMIC_RELEASE); // LINE:atomic_add
    return NULL;
}

int main(void)
{
    pthread_t th;
    hits = 10;
    sem_init(&warmed_up, 0, 0);
    pthread_create(&th, NULL, worker, NULL); // LINE:create
    sem_wait(&warmed_up);
    long seen = hits; // LINE:plain_read
    atomic_store_explicit(&go_on, 1, memory_order_relaxed);
    pthread_join(th, NULL);
    printf("seen=%ld hits=%ld\n", seen, hits);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: seen=13 hits=14
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Atomic write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:atomic_add}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:plain_read}} {{OFF}}
// EXPECT: Location is global 'hits' of size 8 at {{ADDR}} (race_atomic_after_plain_read_since+{{ADDR}})
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
