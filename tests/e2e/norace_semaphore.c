/* A producer fills slots of a buffer and posts a semaphore after each; the
 * consumer waits on the semaphore before reading the slot: sem_post
 * happens before the sem_wait it satisfies. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define ITEMS 50

int slots[ITEMS];
static sem_t filled;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        slots[i] = i * 3;
        sem_post(&filled);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < ITEMS; i++) {
        sem_wait(&filled);
        sum += slots[i];
        slots[i] = -1;
    }
    return (void *)sum;
}

int main(void)
{
    pthread_t p, c;
    void *sum;
    sem_init(&filled, 0, 0);
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, &sum);
    sem_destroy(&filled);
    printf("sum=%ld\n", (long)sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=3675
// EXPECT-NOT: WARNING
