/* Threads with the smallest stack glibc allows (PTHREAD_STACK_MIN: 16 KiB,
 * the thread's TLS included) race: the report, its JSON record for `crace
 * run`, the restored previous stack, all come from such a thread. They
 * must fit: crace keeps its big buffers off the reporting thread's stack
 * (a 20 KiB one crashed, and the finding was lost). */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int shared;

static void *worker(void *arg)
{
    shared = (int)(long)arg; // LINE:store
    return NULL;
}

int main(void)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
    pthread_t a, b;
    pthread_create(&a, &attr, worker, (void *)1L); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, &attr, worker, (void *)2L); // LINE:create_b
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
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Location is global 'shared' of size 4 at {{ADDR}} (race_small_stack_threads+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
