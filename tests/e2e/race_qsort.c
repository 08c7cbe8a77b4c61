/* qsort moves the array's elements inside libc: a goroutine sorting an
 * array that another one reads unordered races with it (the sort's
 * writes were unseen: only the comparator's reads are instrumented).
 * Sorting a private copy is fine. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int shared[100];

static int by_value(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static void *sorter(void *arg)
{
    (void)arg;
    int mine[100];
    memcpy(mine, shared, sizeof(mine)); /* reads, as the reader does: no race */
    qsort(mine, 100, sizeof(int), by_value);
    qsort(shared, 100, sizeof(int), by_value); // LINE:sort
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    return (void *)(size_t)shared[7]; // LINE:read
}

int main(void)
{
    for (int i = 0; i < 100; i++)
        shared[i] = 100 - i;
    pthread_t a, b;
    pthread_create(&a, NULL, sorter, NULL);
    pthread_create(&b, NULL, reader, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d\n", shared[0]);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   sorter()
// EXPECT:       {{FILE}}:{{LINE:sort}} {{OFF}}
// EXPECT: Location is global 'shared' of size 400 at {{ADDR}} (race_qsort+{{ADDR}})
// EXPECT-COUNT: 1 WARNING: DATA RACE
