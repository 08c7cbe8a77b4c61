/* The racy twin of norace_atomic_message_stream.c: the slots are
 * published with a relaxed fetch_add, which releases nothing, so the
 * consumer's reads race with the producer's writes even though its loads
 * acquire. One report: one pair of code locations. (The producer may
 * have finished by then: its state is not checked.) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define SLOTS 1000

static int slot[SLOTS];
static atomic_int published;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < SLOTS; i++) {
        slot[i] = i; // LINE:write
        atomic_fetch_add_explicit(&published, 1, memory_order_relaxed);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < SLOTS; i++) {
        while (atomic_load_explicit(&published, memory_order_acquire) <= i)
            ;
        sum += slot[i]; // LINE:read
    }
    printf("slots %ld\n", sum);
    return NULL;
}

int main(void)
{
    pthread_t p, c;
    pthread_create(&c, NULL, consumer, NULL); // LINE:create_c
    pthread_create(&p, NULL, producer, NULL); // LINE:create_p
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: slots 499500
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   consumer()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 3:
// EXPECT:   producer()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Location is global 'slot' of size 4000 at {{ADDR}} (race_atomic_relaxed_stream+{{ADDR}})
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_c}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_p}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
