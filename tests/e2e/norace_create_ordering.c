/* Main writes a global and a heap block, then creates the threads that
 * read them: pthread_create orders the parent's earlier writes before
 * everything the child does. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 3

int config;
static int *table;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    return (void *)(long)(config * table[id]);
}

int main(void)
{
    pthread_t t[THREADS];
    config = 10;
    table = malloc(THREADS * sizeof(int));
    for (int i = 0; i < THREADS; i++)
        table[i] = i + 1;
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    long sum = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    printf("sum=%ld\n", sum);
    free(table);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=60
// EXPECT-NOT: WARNING
