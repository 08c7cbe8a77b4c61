/* A signal handler is code of the thread it interrupts: its write to a
 * global, unordered with a worker's write, is a race, and the report shows
 * the handler's frame on top of the interrupted stack. raise() orders the
 * raising thread's past before the handler, not the worker's. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int shared;

static void handler(int sig)
{
    (void)sig;
    shared = 1; // LINE:handler_write
}

static void *worker(void *arg)
{
    (void)arg;
    shared = 2; // LINE:worker_write
    return NULL;
}

int main(void)
{
    signal(SIGUSR1, handler);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(50 * 1000);
    raise(SIGUSR1); // LINE:raise
    pthread_join(t, NULL);
    printf("shared=%d\n", shared);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   handler()
// EXPECT:       {{FILE}}:{{LINE:handler_write}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:raise}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker_write}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
