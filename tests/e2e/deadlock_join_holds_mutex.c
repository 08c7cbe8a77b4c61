/* main locks a mutex, starts a worker that needs it, and joins the worker
 * without unlocking: each waits for the other. The worker blocks first,
 * on the mutex (registered without the deadlock detector's lock, as every
 * contended mutex is); main's join closes the cycle and must find it. */
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int jobs;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu); // LINE:worker_lock
    jobs++;
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&mu); // LINE:main_lock
    pthread_create(&t, NULL, worker, NULL);
    usleep(100 * 1000); /* the worker is waiting for mu by now */
    pthread_join(t, NULL); // LINE:main_join
    pthread_mutex_unlock(&mu);
    return jobs == 1 ? 0 : 1;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DEADLOCK
// EXPECT: Goroutines waiting for each other in a cycle: 1 -> 2 -> 1
// EXPECT: Goroutine 1 blocks in pthread_join on thread {{ADDR}} (goroutine 2):
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main_join}} {{OFF}}
// EXPECT: Goroutine 2 blocks in pthread_mutex_lock on mutex {{ADDR}} held by goroutine 1:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker_lock}} {{OFF}}
// EXPECT: Mutex {{ADDR}} locked by goroutine 1 at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main_lock}} {{OFF}}
