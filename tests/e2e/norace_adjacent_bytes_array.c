/* Eight threads, each incrementing its own byte of a char array that fits
 * in one 8-byte word (heap and global): no race at byte granularity. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 8

char global_bytes[THREADS];
static char *heap_bytes;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    for (int i = 0; i < 10 + id; i++) {
        global_bytes[id]++;
        heap_bytes[id] += 2;
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    heap_bytes = calloc(THREADS, 1);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    int g = 0, h = 0;
    for (int i = 0; i < THREADS; i++) {
        g += global_bytes[i];
        h += heap_bytes[i];
    }
    printf("global=%d heap=%d\n", g, h);
    free(heap_bytes);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: global=108 heap=216
// EXPECT-NOT: WARNING
