/*
 * counter, fixed with a mutex: each increment is a critical section.
 *
 * Unlocking a mutex happens before the next lock of it, so every
 * goroutine's read of counter sees the previous goroutine's write, no
 * increment is lost, and the program always prints 1000. (Go: sync.Mutex.)
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include <gochan.h>

#define N_GOROUTINES 1000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int counter; /* guarded by mu */
static waitgroup_t wg = WAITGROUP_INIT;

static void increment(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    int v = counter;
    sched_yield(); /* harmless now: nobody else can hold mu */
    counter = v + 1;
    pthread_mutex_unlock(&mu);
    waitgroup_done(&wg);
}

int main(void)
{
    for (int i = 0; i < N_GOROUTINES; i++) {
        waitgroup_add(&wg, 1);
        go(increment, NULL);
    }
    waitgroup_wait(&wg);
    printf("counter = %d (expected %d)\n", counter, N_GOROUTINES);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: counter = 1000 (expected 1000)
// EXPECT-NOT: WARNING
