/* A heap block allocated by a thread (goroutine 2), published through a
 * relaxed atomic (no happens-before) and written by another: the location
 * names the allocating goroutine and its stack. The allocation counts as
 * goroutine 2's write of the block, and its first write, made before it
 * synchronised with anything, is covered by that record: the previous
 * write shown is the allocation's. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static _Atomic(int *) published;

static void *producer(void *arg)
{
    (void)arg;
    int *p = malloc(sizeof(*p)); // LINE:malloc
    *p = 1;
    atomic_store_explicit(&published, p, memory_order_relaxed);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    int *p = atomic_load_explicit(&published, memory_order_relaxed);
    *p = 2; // LINE:store
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, producer, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, consumer, NULL); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    int *p = atomic_load(&published);
    printf("value=%d\n", *p);
    free(p);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: value=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   consumer()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   producer()
// EXPECT:       {{FILE}}:{{LINE:malloc}} {{OFF}}
// EXPECT: Location is heap block of size 4 at {{ADDR}} allocated by goroutine 2:
// EXPECT:   producer()
// EXPECT:       {{FILE}}:{{LINE:malloc}} {{OFF}}
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
