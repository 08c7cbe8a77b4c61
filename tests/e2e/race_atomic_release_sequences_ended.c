/* Two release sequences on one atomic, ended by a third goroutine's
 * relaxed store. Goroutine 2 writes a and release-stores x = 1; goroutine
 * 3, having seen 1, writes b and release-adds 1 (x = 2: it continues 2's
 * sequence and heads its own); goroutine 4, having seen 2, stores x = 10
 * relaxed. A plain store by a goroutine that heads neither sequence ends
 * both (C11 5.1.2.4), so goroutine 5's acquire load of 10 synchronises
 * with nothing: its reads of a and b race with both writes. crace kept
 * the clock once two goroutines' releases had joined, and missed both;
 * ThreadSanitizer misses them too. The twin,
 * norace_atomic_release_sequences_continued, adds instead of storing. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static int a, b;
static atomic_int x;

static void wait_for(int v)
{
    while (atomic_load_explicit(&x, memory_order_relaxed) != v)
        ;
}

static void *first(void *arg)
{
    a = 1; // LINE:a
    atomic_store_explicit(&x, 1, memory_order_release);
    return arg;
}

static void *second(void *arg)
{
    wait_for(1);
    b = 2; // LINE:b
    atomic_fetch_add_explicit(&x, 1, memory_order_release);
    return arg;
}

static void *third(void *arg)
{
    wait_for(2);
    atomic_store_explicit(&x, 10, memory_order_relaxed);
    return arg;
}

static void *reader(void *arg)
{
    /* Relaxed until 10 is there: an acquire load that read 1 or 2
     * would synchronise with that release. */
    wait_for(10);
    atomic_load_explicit(&x, memory_order_acquire);
    int ra = a; // LINE:read_a
    int rb = b; // LINE:read_b
    printf("a=%d b=%d\n", ra, rb);
    return arg;
}

int main(void)
{
    void *(*fns[4])(void *) = {first, second, third, reader};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, fns[i], NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: a=1 b=2
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 5:
// EXPECT:       {{FILE}}:{{LINE:read_a}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:       {{FILE}}:{{LINE:a}} {{OFF}}
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 5:
// EXPECT:       {{FILE}}:{{LINE:read_b}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 3:
// EXPECT:       {{FILE}}:{{LINE:b}} {{OFF}}
// EXPECT: Found 2 data race(s)
// EXPECT-COUNT: 2 WARNING: DATA RACE
