/* Children fill a heap buffer and a global; main reads both only after
 * joining them: join orders every child's writes before main's reads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4
#define PER 256

int totals[THREADS];
static int *buf;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    int t = 0;
    for (int i = 0; i < PER; i++) {
        buf[id * PER + i] = id + i;
        t += id + i;
    }
    totals[id] = t;
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    buf = malloc(THREADS * PER * sizeof(int));
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    long sum = 0, check = 0;
    for (int i = 0; i < THREADS * PER; i++)
        sum += buf[i];
    for (int i = 0; i < THREADS; i++)
        check += totals[i];
    printf("sum=%ld check=%ld\n", sum, check);
    free(buf);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=132096 check=132096
// EXPECT-NOT: WARNING
