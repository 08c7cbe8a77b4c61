/* main destroys a condition variable while a worker is still blocked on
 * it, waiting for a signal main was to send afterwards. glibc's destroy
 * waits for the worker to leave, and the worker waits for main: the
 * program hangs. Reported as a misuse at the destroy, then as the
 * deadlock it closes. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static int stage;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    stage = 1;
    pthread_cond_signal(&cv);
    while (stage == 1)
        pthread_cond_wait(&cv, &mu); // LINE:wait
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_cond_init(&cv, NULL);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_lock(&mu);
    while (stage == 0)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    pthread_cond_destroy(&cv); // LINE:destroy
    pthread_mutex_lock(&mu);
    stage = 2;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(t, NULL);
    printf("not reached\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: MISUSE OF CONDITION VARIABLE
// EXPECT: pthread_cond_destroy of condition variable {{ADDR}} by goroutine 1 while goroutine 2 waits on it:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:destroy}} {{OFF}}
// EXPECT: Goroutine 2 waits on condition variable {{ADDR}} at (glibc's destroy waits for it to leave):
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT: goroutine 1 [pthread_cond_destroy]:
// EXPECT-NOT: not reached
