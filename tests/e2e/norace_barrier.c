/* Three phases separated by pthread_barrier_wait: in each phase a thread
 * reads its neighbour's value from the previous phase and writes its own
 * into the other buffer. The barrier orders phase k before phase k+1. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 4
#define PHASES 3

int buf[2][THREADS];
static pthread_barrier_t barrier;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    for (int p = 0; p < PHASES; p++) {
        int *src = buf[p & 1], *dst = buf[(p + 1) & 1];
        dst[id] = src[id] + src[(id + 1) % THREADS];
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        buf[0][i] = i;
    pthread_barrier_init(&barrier, NULL, THREADS);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&barrier);
    printf("result=%d %d %d %d\n", buf[1][0], buf[1][1], buf[1][2], buf[1][3]);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: result=12 16 12 8
// EXPECT-NOT: WARNING
