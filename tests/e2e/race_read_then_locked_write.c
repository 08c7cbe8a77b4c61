/* Each thread reads a global, then takes a mutex and writes it: the read
 * is outside the lock, so it races with the other thread's write (a lost
 * update). A read is left unchecked only when the same code writes the
 * same place with nothing in between that could synchronise (gcc's plugin
 * in crace cc, clang's own instrumentation): the lock in between keeps
 * this read checked. The sleep orders the threads, so the first one's
 * write comes before the second one's read. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

long balance;
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *deposit(void *arg)
{
    long v = balance + (long)arg; // LINE:read
    pthread_mutex_lock(&mu);
    balance = v; // LINE:write
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, deposit, (void *)10); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, deposit, (void *)20); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("balance=%ld\n", balance);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   deposit()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   deposit()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Location is global 'balance' of size 8 at {{ADDR}} (race_read_then_locked_write+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
