/* The twin of norace_fence_after_release_store: the consumer's fence
 * after its relaxed load is a release fence, which acquires nothing, so
 * the data read races with the write. Fences in the program make relaxed
 * loads gather clocks; only an acquire fence may take them. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

int data;
static atomic_int flag;

static void *producer(void *arg)
{
    (void)arg;
    data = 42; // LINE:write
    atomic_store_explicit(&flag, 1, memory_order_release);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&flag, memory_order_relaxed))
        ;
    atomic_thread_fence(memory_order_release);
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
// EXPECT: Location is global 'data' of size 4 at {{ADDR}} (race_fence_release_only+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
