/* The twin of norace_failed_cas_read: this compare-exchange succeeds, so
 * it writes, and the unordered plain read races with it. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int x;

static void *reader(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    return (void *)(long)x; // LINE:read
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, reader, NULL); // LINE:create
    int expected = 0;
    int ok = __atomic_compare_exchange_n(&x, &expected, 2, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED); // LINE:cas
    void *got;
    pthread_join(t, &got);
    printf("ok=%d got=%ld\n", ok, (long)got);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ok=1 got=2
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous atomic write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:cas}} {{OFF}}
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
