/* The race-free twins of race_mutex_used_before_init and
 * race_mutex_destroyed_in_use: a thread initialises a mutex and publishes
 * it with a release store; workers that see it (acquire) lock it; the
 * mutex is destroyed by a thread that joined every worker. Its init,
 * locks and destroy are all ordered: no report. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static pthread_mutex_t mu;
static atomic_int ready;
static int counter;

static void *setup(void *arg)
{
    (void)arg;
    pthread_mutex_init(&mu, NULL);
    atomic_store_explicit(&ready, 1, memory_order_release);
    return NULL;
}

static void *worker(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&ready, memory_order_acquire))
        ;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static void *reaper(void *arg)
{
    pthread_t *workers = arg;
    for (int i = 0; i < 2; i++)
        pthread_join(workers[i], NULL);
    pthread_mutex_destroy(&mu);
    return NULL;
}

int main(void)
{
    pthread_t workers[2], s, r;
    for (int i = 0; i < 2; i++)
        pthread_create(&workers[i], NULL, worker, NULL);
    pthread_create(&s, NULL, setup, NULL);
    pthread_create(&r, NULL, reaper, workers);
    pthread_join(s, NULL);
    pthread_join(r, NULL);
    printf("counter=%d\n", counter);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: counter=2000
// EXPECT-NOT: WARNING
