/* The classic bug: waitgroup_add inside the goroutine. Nothing orders the
 * Add after the Wait has started, so Wait may return before the work is
 * counted. Reported as a race on the WaitGroup, as Go's detector does. */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static waitgroup_t wg = WAITGROUP_INIT;

static void worker(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    waitgroup_add(&wg, 1); // LINE:add
    waitgroup_done(&wg);
}

int main(void)
{
    go(worker, NULL);
    waitgroup_wait(&wg); // LINE:wait
    usleep(200 * 1000);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:add}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
