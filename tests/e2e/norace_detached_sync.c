/* Detached threads that nobody joins: each fills its own result and posts
 * a semaphore; main waits on the semaphore once per thread before reading
 * the results. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4

static sem_t done;
static long *results;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    results[id] = (id + 1) * 100;
    sem_post(&done);
    return NULL;
}

int main(void)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sem_init(&done, 0, 0);
    results = calloc(THREADS, sizeof(long));
    for (int i = 0; i < THREADS; i++) {
        pthread_t t;
        pthread_create(&t, &attr, worker, (void *)(long)i);
    }
    for (int i = 0; i < THREADS; i++)
        sem_wait(&done);
    long sum = 0;
    for (int i = 0; i < THREADS; i++)
        sum += results[i];
    printf("sum=%ld\n", sum);
    free(results);
    pthread_attr_destroy(&attr);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=1000
// EXPECT-NOT: WARNING
