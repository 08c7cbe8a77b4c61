/* A 64 MiB buffer of which a worker writes one element, 32 MiB in, while
 * main frees the buffer without waiting for it: the free (a write of the
 * whole block) races with that write. A free of a big block looks only at
 * the parts of it that were ever accessed (most of such a buffer is never
 * touched, and its shadow is neither read nor written), and must still
 * find this one. The sleep orders them in time. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SIZE (64u << 20)

static char *buf;

static void *worker(void *arg)
{
    (void)arg;
    buf[SIZE / 2] = 1; // LINE:write
    return NULL;
}

int main(void)
{
    buf = malloc(SIZE);
    if (!buf)
        return 1;
    buf[0] = 0;
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    usleep(100 * 1000);
    free(buf); // LINE:free
    pthread_join(t, NULL);
    printf("freed\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: freed
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
