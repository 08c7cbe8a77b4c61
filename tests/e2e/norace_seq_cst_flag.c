/* Data published through a flag with default (seq_cst) atomic_store and
 * atomic_load, which are also release and acquire. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

int data[4];
static atomic_int ready;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 4; i++)
        data[i] = 10 * (i + 1);
    atomic_store(&ready, 1);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    while (!atomic_load(&ready))
        ;
    return (void *)(long)(data[0] + data[1] + data[2] + data[3]);
}

int main(void)
{
    pthread_t p, c;
    void *got;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, &got);
    printf("got=%ld\n", (long)got);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: got=100
// EXPECT-NOT: WARNING
