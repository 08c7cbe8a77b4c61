/* A producer fills 9,000 slots through a small function, then main
 * overwrites the first slot without synchronising with it. The first
 * slot's write lies 9,000 loop turns back in the producer's history (a
 * call, its one write and its return each turn): it is restored with its
 * stack, as ThreadSanitizer restores it, because the default history
 * (256 KiB) holds that many turns once a write near the one before it in
 * the same function takes one 8-byte event instead of two. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SLOTS 9000

static int *slots;
static atomic_int done, reported;

static __attribute__((noinline)) void put(long i, int v)
{
    slots[i] = v; // LINE:put
}

static void *producer(void *arg)
{
    (void)arg;
    for (long i = 0; i < SLOTS; i++)
        put(i, (int)i + 1); // LINE:loop
    atomic_store_explicit(&done, 1, memory_order_relaxed);
    /* Still running when main writes: its report says so. */
    while (!atomic_load_explicit(&reported, memory_order_relaxed))
        usleep(1000);
    return NULL;
}

int main(void)
{
    slots = calloc(SLOTS, sizeof *slots); // LINE:alloc
    pthread_t t;
    pthread_create(&t, NULL, producer, NULL); // LINE:create
    while (!atomic_load_explicit(&done, memory_order_relaxed))
        usleep(10 * 1000);
    slots[0] = -1; // LINE:main
    atomic_store_explicit(&reported, 1, memory_order_relaxed);
    pthread_join(t, NULL);
    printf("last=%d first=%d\n", slots[SLOTS - 1], slots[0]);
    free(slots);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: last=9000 first=-1
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   put()
// EXPECT:       {{FILE}}:{{LINE:put}} {{OFF}}
// EXPECT:   producer()
// EXPECT:       {{FILE}}:{{LINE:loop}} {{OFF}}
// EXPECT: Location is heap block of size 36000 at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:alloc}} {{OFF}}
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: failed to restore
