/* Atomic accesses race with plain ones: a plain read then an atomic store
 * of 'flag', and a plain write then an atomic load of 'data'. Two reports,
 * in the order the later thread makes the accesses. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int flag;
int data;

static void *plain(void *arg)
{
    (void)arg;
    int f = flag; // LINE:plain_read
    data = 5; // LINE:plain_write
    return (void *)(long)f;
}

static void *atomic(void *arg)
{
    (void)arg;
    __atomic_store_n(&flag, 1, __ATOMIC_SEQ_CST); // LINE:atomic_store
    return (void *)(long)__atomic_load_n(&data, __ATOMIC_SEQ_CST); // LINE:atomic_load
}

int main(void)
{
    pthread_t a, b;
    void *f, *d;
    pthread_create(&a, NULL, plain, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, atomic, NULL); // LINE:create_b
    pthread_join(a, &f);
    pthread_join(b, &d);
    printf("flag=%ld data=%ld\n", (long)f, (long)d);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: flag=0 data=5
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Atomic write at {{ADDR}} by goroutine 3:
// EXPECT:   atomic()
// EXPECT:       {{FILE}}:{{LINE:atomic_store}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   plain()
// EXPECT:       {{FILE}}:{{LINE:plain_read}} {{OFF}}
// EXPECT: Location is global 'flag' of size 4 at {{ADDR}} (race_atomic_vs_plain+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Atomic read at {{ADDR}} by goroutine 3:
// EXPECT:   atomic()
// EXPECT:       {{FILE}}:{{LINE:atomic_load}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   plain()
// EXPECT:       {{FILE}}:{{LINE:plain_write}} {{OFF}}
// EXPECT: Location is global 'data' of size 4 at {{ADDR}} (race_atomic_vs_plain+{{ADDR}})
// EXPECT: ==================
// EXPECT: Found 2 data race(s)
// EXPECT-COUNT: 2 WARNING: DATA RACE
