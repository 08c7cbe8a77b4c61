/* A thread writes a global and the main thread reads it later without
 * joining: the main thread is "main goroutine" and, as in Go, gets no
 * "created at" paragraph. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int result;

static void *worker(void *arg)
{
    (void)arg;
    result = 3; // LINE:write
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    usleep(100 * 1000);
    int r = result; // LINE:read
    pthread_join(t, NULL);
    printf("result=%d\n", r);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: result=3
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Location is global 'result' of size 4 at {{ADDR}} (race_main_goroutine+{{ADDR}})
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: Goroutine 1
