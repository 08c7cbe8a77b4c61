/* The racing write happens three calls deep: both stacks (the current one
 * and the one restored from history) show every frame with its call line. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int shared;

static __attribute__((noinline)) int level3(int v)
{
    shared = v; // LINE:l3
    return v + 1;
}

static __attribute__((noinline)) int level2(int v)
{
    return level3(v) * 2; // LINE:l2
}

static __attribute__((noinline)) int level1(int v)
{
    return level2(v) + 3; // LINE:l1
}

static void *worker(void *arg)
{
    int r = level1((int)(long)arg); // LINE:w
    return (void *)(long)r;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, (void *)1); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, worker, (void *)2); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("shared=%d\n", shared);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: shared=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   level3()
// EXPECT:       {{FILE}}:{{LINE:l3}} {{OFF}}
// EXPECT:   level2()
// EXPECT:       {{FILE}}:{{LINE:l2}} {{OFF}}
// EXPECT:   level1()
// EXPECT:       {{FILE}}:{{LINE:l1}} {{OFF}}
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:w}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   level3()
// EXPECT:       {{FILE}}:{{LINE:l3}} {{OFF}}
// EXPECT:   level2()
// EXPECT:       {{FILE}}:{{LINE:l2}} {{OFF}}
// EXPECT:   level1()
// EXPECT:       {{FILE}}:{{LINE:l1}} {{OFF}}
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:w}} {{OFF}}
// EXPECT: Location is global 'shared' of size 4 at {{ADDR}} (race_deep_stack+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
