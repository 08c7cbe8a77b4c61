/* A malloc'd int written by two threads without synchronisation: the
 * report locates the address in the heap block and shows where the main
 * goroutine allocated it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *worker(void *arg)
{
    int *p = arg;
    *p = 42; // LINE:store
    return NULL;
}

int main(void)
{
    int *p = malloc(sizeof(*p)); // LINE:malloc
    pthread_t a, b;
    pthread_create(&a, NULL, worker, p); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, worker, p); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("value=%d\n", *p);
    free(p);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: value=42
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Location is heap block of size 4 at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:malloc}} {{OFF}}
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
