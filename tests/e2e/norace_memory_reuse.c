/* Heap memory recycled between threads. A mallocs, writes and frees
 * blocks; after joining A, B does the same (often getting A's memory).
 * Then C and D do it again with only a sleep between them: C11 makes each
 * free synchronise with the malloc that returns the memory again, so
 * recycled addresses must never be reported, joined or not. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BLOCKS 16
#define SIZE 48

static void *churn(void *arg)
{
    long sum = 0;
    for (int i = 0; i < BLOCKS; i++) {
        int *p = malloc(SIZE);
        for (int k = 0; k < SIZE / (int)sizeof(int); k++)
            p[k] = (int)(long)arg + k;
        sum += p[SIZE / (int)sizeof(int) - 1];
        free(p);
    }
    return (void *)sum;
}

int main(void)
{
    pthread_t t[4];
    void *r[4];
    pthread_create(&t[0], NULL, churn, (void *)1);
    pthread_join(t[0], &r[0]);
    pthread_create(&t[1], NULL, churn, (void *)2);
    pthread_join(t[1], &r[1]);
    pthread_create(&t[2], NULL, churn, (void *)3);
    usleep(50 * 1000);
    pthread_create(&t[3], NULL, churn, (void *)4);
    pthread_join(t[2], &r[2]);
    pthread_join(t[3], &r[3]);
    long mine = (long)churn((void *)5);
    printf("sums=%ld %ld %ld %ld main=%ld\n", (long)r[0], (long)r[1], (long)r[2], (long)r[3], mine);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sums=192 208 224 240 main=256
// EXPECT-NOT: WARNING
