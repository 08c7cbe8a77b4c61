/* Five threads load 'level' atomically in every epoch (a lock between
 * loads): with main's initialisation, more records than the granule's
 * three inline cells, so the loads take the read-shared path. Then main,
 * ordered after none of the loads (the readers only announce they are
 * done with a relaxed counter), writes 'level' plainly: a race with the
 * readers' loads, reported once for the location. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define READERS 5

static int level = 1;
static atomic_int finished, leave; /* relaxed: they order nothing */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long loads;

static void *reader(void *arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < 200; i++) {
        sum += __atomic_load_n(&level, __ATOMIC_ACQUIRE); // LINE:load
        pthread_mutex_lock(&mu);
        loads++;
        pthread_mutex_unlock(&mu);
    }
    atomic_fetch_add_explicit(&finished, 1, memory_order_relaxed);
    while (!atomic_load_explicit(&leave, memory_order_relaxed))
        ;
    return (void *)sum;
}

int main(void)
{
    pthread_t t[READERS];
    for (int i = 0; i < READERS; i++)
        pthread_create(&t[i], NULL, reader, NULL);
    while (atomic_load_explicit(&finished, memory_order_relaxed) < READERS)
        ;
    level = 2; // LINE:write
    atomic_store_explicit(&leave, 1, memory_order_relaxed);
    long sum = 0;
    for (int i = 0; i < READERS; i++) {
        void *s;
        pthread_join(t[i], &s);
        sum += (long)s;
    }
    printf("sum=%ld loads=%ld\n", sum, loads);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: sum=1000 loads=1000
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:load}} {{OFF}}
// EXPECT: Location is global 'level' of size 4 at {{ADDR}} (race_atomic_readers_overflow+{{ADDR}})
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
