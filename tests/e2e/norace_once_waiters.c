/* Eight goroutines call pthread_once while the first one's init function
 * is still running (it sleeps, then calls pthread_once on another control
 * and takes a mutex another goroutine released): the others wait for it,
 * as the deadlock detector counts them, and none of that is a deadlock.
 * Then the same through call_once. The init's writes happen before every
 * return. */
#include <pthread.h>
#include <stdio.h>
#include <threads.h>
#include <time.h>

#define THREADS 8

static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static pthread_once_t inner_once = PTHREAD_ONCE_INIT;
static once_flag c11_once = ONCE_FLAG_INIT;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int table[16], inner, c11_value;

static void init_inner(void)
{
    inner = 7;
}

static void init_table(void)
{
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    pthread_once(&inner_once, init_inner);
    pthread_mutex_lock(&mu);
    for (int i = 0; i < 16; i++)
        table[i] = i + inner;
    pthread_mutex_unlock(&mu);
}

static void init_c11(void)
{
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    c11_value = 3;
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    pthread_mutex_unlock(&mu);
    pthread_once(&table_once, init_table);
    call_once(&c11_once, init_c11);
    long sum = c11_value;
    for (int i = 0; i < 16; i++)
        sum += table[i];
    return (void *)sum;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    long total = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        total += (long)r;
    }
    printf("total %ld\n", total);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: total 1880
// EXPECT-NOT: WARNING
