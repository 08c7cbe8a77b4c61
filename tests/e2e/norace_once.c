/* pthread_once initialises a table that every thread then reads: the
 * initialiser's writes happen before every pthread_once return, also in
 * the threads that took glibc's fast path. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 4
#define N 64

static pthread_once_t once = PTHREAD_ONCE_INIT;
int table[N];

static void init_table(void)
{
    for (int i = 0; i < N; i++)
        table[i] = i * 2;
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_once(&once, init_table);
    long sum = 0;
    for (int i = 0; i < N; i++)
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
    printf("total=%ld\n", total);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: total=16128
// EXPECT-NOT: WARNING
