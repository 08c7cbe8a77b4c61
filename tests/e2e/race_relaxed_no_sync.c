/* Data published with a relaxed store and picked up with a relaxed load:
 * relaxed atomics create no happens-before edge, so the data read races
 * with the write (the flag itself, atomic on both sides, does not). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

int data;
atomic_int ready;

static void *producer(void *arg)
{
    (void)arg;
    data = 42; // LINE:write
    atomic_store_explicit(&ready, 1, memory_order_relaxed);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&ready, memory_order_relaxed))
        ;
    return (void *)(long)data; // LINE:read
}

int main(void)
{
    pthread_t a, b;
    void *got;
    pthread_create(&a, NULL, producer, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, consumer, NULL); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, &got);
    printf("got=%ld\n", (long)got);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: got=42
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   consumer()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   producer()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Location is global 'data' of size 4 at {{ADDR}} (race_relaxed_no_sync+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
