/* Two unrelated races on two variables that share one 8-byte granule (two
 * bytes of a struct): two locations, two reports. One report per racy
 * location (x++ racing is one report, not a read's and a write's) must
 * not swallow a race on another variable nearby. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct flags {
    char ready;
    char done;
};
struct flags f;

static void *worker(void *arg)
{
    (void)arg;
    f.ready = 1; // LINE:ready_w
    f.done = 1;  // LINE:done_w
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    usleep(100 * 1000);
    f.ready = 2; // LINE:ready_m
    f.done = 2;  // LINE:done_m
    pthread_join(t, NULL);
    printf("%d %d\n", f.ready, f.done);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 2 2
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:ready_m}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:ready_w}} {{OFF}}
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:done_m}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:done_w}} {{OFF}}
// EXPECT: Found 2 data race(s)
// EXPECT-COUNT: 2 WARNING: DATA RACE
