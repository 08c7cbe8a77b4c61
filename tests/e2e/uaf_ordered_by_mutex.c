/* A thread frees a shared block under a mutex; main, after a barrier,
 * writes it under the same mutex. The free happens before the write (the
 * lock orders them): no race, but the write uses freed memory. (Past the
 * first 16 bytes, where glibc keeps a freed chunk's links: a write there
 * makes glibc abort the program when the freeing thread exits.) */
#include <pthread.h>
#include <stdlib.h>

static int *mem;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t barrier;

static void *freer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    free(mem); // LINE:free
    pthread_mutex_unlock(&mu);
    pthread_barrier_wait(&barrier);
    return NULL;
}

int main(void)
{
    pthread_barrier_init(&barrier, NULL, 2);
    mem = malloc(100); // LINE:alloc
    pthread_t t;
    pthread_create(&t, NULL, freer, NULL); // LINE:create
    pthread_barrier_wait(&barrier);
    pthread_mutex_lock(&mu);
    mem[10] = 42; // LINE:use
    pthread_mutex_unlock(&mu);
    pthread_join(t, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: HEAP USE AFTER FREE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:use}} {{OFF}}
// EXPECT: Previous free at {{ADDR}} by goroutine 2:
// EXPECT:   freer()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
// EXPECT: Location is freed heap block of size 100 at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:alloc}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: HEAP USE AFTER FREE
// EXPECT-NOT: DATA RACE
