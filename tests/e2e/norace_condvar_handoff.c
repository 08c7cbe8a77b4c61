/* Producer/consumer through a one-slot mailbox guarded by a mutex and a
 * condition variable. Items are malloc'd and filled outside the lock by
 * the producer, read and freed outside the lock by the consumer: the
 * mutex hand-off orders them. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define ITEMS 100

struct item {
    int id;
    int square;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct item *slot;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        struct item *it = malloc(sizeof(*it));
        it->id = i;
        it->square = i * i;
        pthread_mutex_lock(&mu);
        while (slot)
            pthread_cond_wait(&cv, &mu);
        slot = it;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&mu);
        while (!slot)
            pthread_cond_wait(&cv, &mu);
        struct item *it = slot;
        slot = NULL;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
        sum += it->id + it->square;
        free(it);
    }
    return (void *)sum;
}

int main(void)
{
    pthread_t p, c;
    void *sum;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, &sum);
    printf("sum=%ld\n", (long)sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=333300
// EXPECT-NOT: WARNING
