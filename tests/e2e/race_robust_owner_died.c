/* The racy twin of norace_robust_owner_died.c: main repairs the state
 * without taking the robust mutex the dead worker left, so nothing orders
 * the worker's write before main's. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu;
static int state;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    state = 42; // LINE:worker
    return NULL; /* dies holding mu */
}

int main(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&mu, &a);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(200 * 1000);
    state = 43; // LINE:main
    pthread_join(t, NULL);
    printf("state=%d\n", state);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: state=43
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker}} {{OFF}}
