/* Two C11 threads write the same global: thrd_create must create
 * goroutines (numbered and with creation stacks) like pthread_create. */
#include <stdio.h>
#include <threads.h>
#include <unistd.h>

int value;

static int worker(void *arg)
{
    value = (int)(long)arg; // LINE:store
    return 0;
}

int main(void)
{
    thrd_t a, b;
    thrd_create(&a, worker, (void *)1); // LINE:create_a
    usleep(100 * 1000);
    thrd_create(&b, worker, (void *)2); // LINE:create_b
    thrd_join(a, NULL);
    thrd_join(b, NULL);
    printf("value=%d\n", value);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: value=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Location is global 'value' of size 4 at {{ADDR}} (race_c11_threads+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
