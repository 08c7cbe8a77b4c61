/* The racing access is in an always_inline function: the report names the
 * inlined function and its line, then the caller at the call line, on both
 * sides. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int counter;

static inline __attribute__((always_inline)) void store(int *p, int v)
{
    *p = v; // LINE:store
}

static void *worker(void *arg)
{
    store(&counter, (int)(long)arg); // LINE:call
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, (void *)1); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, worker, (void *)2); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("counter=%d\n", counter);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: counter=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   store()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:call}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   store()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:call}} {{OFF}}
// EXPECT: Location is global 'counter' of size 4 at {{ADDR}} (race_inlined+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
