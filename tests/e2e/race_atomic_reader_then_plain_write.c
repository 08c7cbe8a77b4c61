/* main initialises 'config' plainly and publishes it with an atomic store
 * before starting the reader, which then loads it atomically in many
 * epochs (a lock between loads): main's two records hold two of the
 * granule's cells, and the reader's record is rewritten in place past the
 * plain initialisation, which it is ordered after. Then main, unordered
 * with the reader (they only wait for relaxed flags), overwrites 'config'
 * plainly: a race with the reader's last load, found by the plain write's
 * own look at the granule. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static int config;
static atomic_int done, leave; /* relaxed: they order nothing */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long loads;

static void *reader(void *arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < 1000; i++) {
        sum += __atomic_load_n(&config, __ATOMIC_ACQUIRE); // LINE:load
        pthread_mutex_lock(&mu);
        loads++;
        pthread_mutex_unlock(&mu);
    }
    atomic_store_explicit(&done, 1, memory_order_relaxed);
    while (!atomic_load_explicit(&leave, memory_order_relaxed))
        ;
    return (void *)sum;
}

int main(void)
{
    config = 1;
    __atomic_store_n(&config, 2, __ATOMIC_RELEASE);
    pthread_t t;
    pthread_create(&t, NULL, reader, NULL); // LINE:create
    while (!atomic_load_explicit(&done, memory_order_relaxed))
        ;
    config = 3; // LINE:write
    atomic_store_explicit(&leave, 1, memory_order_relaxed);
    void *sum;
    pthread_join(t, &sum);
    printf("sum=%ld loads=%ld\n", (long)sum, loads);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: sum=2000 loads=1000
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Previous atomic read at {{ADDR}} by goroutine 2:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:load}} {{OFF}}
// EXPECT: Location is global 'config' of size 4 at {{ADDR}} (race_atomic_reader_then_plain_write+{{ADDR}})
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
