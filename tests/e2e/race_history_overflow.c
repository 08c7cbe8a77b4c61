/* Thread A writes x, then makes so many function calls and accesses that
 * its history (256 KiB by default) wraps around: the previous access is
 * reported, but its stack is honestly "[failed to restore the stack]".
 * A tells main it is done through a relaxed atomic: no happens-before. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#define CALLS 30000

int x;
static atomic_int done;

static __attribute__((noinline)) void fill(int *a, int v)
{
    a[0] = v;
    a[1] = v + 1;
}

static __attribute__((noinline)) int churn(int i)
{
    int local[2];
    fill(local, i);
    return local[0] + local[1];
}

static void *first(void *arg)
{
    (void)arg;
    x = 1; // LINE:first
    long sum = 0;
    for (int i = 0; i < CALLS; i++)
        sum += churn(i);
    atomic_store_explicit(&done, 1, memory_order_relaxed);
    return (void *)sum;
}

static void *second(void *arg)
{
    (void)arg;
    x = 2; // LINE:second
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    void *sum;
    pthread_create(&a, NULL, first, NULL); // LINE:create_a
    while (!atomic_load_explicit(&done, memory_order_relaxed))
        usleep(10 * 1000);
    usleep(50 * 1000);
    pthread_create(&b, NULL, second, NULL); // LINE:create_b
    pthread_join(a, &sum);
    pthread_join(b, NULL);
    printf("sum=%ld x=%d\n", (long)sum, x);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: sum=900000000 x=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   second()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   [failed to restore the stack]
// EXPECT: Location is global 'x' of size 4 at {{ADDR}} (race_history_overflow+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: first()
