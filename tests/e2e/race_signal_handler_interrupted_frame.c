/* A signal handler's racing write, the signal landing while the thread
 * sleeps in usleep() (libc code, no instrumentation) called by inner():
 * the handler's stack must go on through inner(), at the line of the
 * call it interrupted, then outer() and worker(). The shadow stack holds
 * only the call sites of inner() and outer(); the frame inside inner()
 * comes from the interrupted context, found past libc's frames. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long shared;
static volatile long sink;
static int go, done;

static __attribute__((noinline)) void handler_write(void)
{
    shared = 1; // LINE:write
}

static void handler(int sig)
{
    (void)sig;
    handler_write(); // LINE:handler
    __atomic_store_n(&go, 1, __ATOMIC_RELAXED);
}

static __attribute__((noinline)) void inner(void)
{
    while (!__atomic_load_n(&go, __ATOMIC_RELAXED))
        usleep(1000); // LINE:sleep
    sink = 1;
}

static __attribute__((noinline)) void outer(void)
{
    inner(); // LINE:inner
    sink = 2;
}

static void *worker(void *arg)
{
    (void)arg;
    outer(); // LINE:outer
    __atomic_store_n(&done, 1, __ATOMIC_RELAXED);
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(50 * 1000);
    pthread_kill(t, SIGUSR1);
    while (!__atomic_load_n(&done, __ATOMIC_RELAXED))
        usleep(1000);
    long v = shared; // LINE:read
    pthread_join(t, NULL);
    printf("%ld\n", v);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 1
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   handler_write()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:   handler()
// EXPECT:       {{FILE}}:{{LINE:handler}} {{OFF}}
// EXPECT:   inner()
// EXPECT:       {{FILE}}:{{LINE:sleep}} {{OFF}}
// EXPECT:   outer()
// EXPECT:       {{FILE}}:{{LINE:inner}} {{OFF}}
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:outer}} {{OFF}}
