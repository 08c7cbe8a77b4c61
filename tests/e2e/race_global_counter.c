/* Two threads store to a global without synchronisation. (counter++ is a
 * read and a write under gcc, but clang instruments only the write.) The sleep
 * orders them in time (it creates no happens-before), so the report's
 * goroutine numbers are deterministic. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int counter;

static void *worker(void *arg)
{
    counter = (int)(intptr_t)arg; // LINE:inc
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
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:inc}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:inc}} {{OFF}}
// EXPECT: Location is global 'counter' of size 4 at {{ADDR}} (race_global_counter+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
