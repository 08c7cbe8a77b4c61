/* A thread waiting on a condition variable nobody signals is cancelled,
 * then joined at once, 50 times. The cancellation wakes the wait: the
 * join returns as soon as the thread has unwound. crace must not count
 * the cancelled thread still blocked in its wait when main starts the
 * join (it reported every goroutine asleep, and ended the program). */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int started;

static void unlock_m(void *arg)
{
    (void)arg;
    pthread_mutex_unlock(&m);
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    started = 1;
    pthread_cond_signal(&c);
    pthread_cleanup_push(unlock_m, NULL);
    for (;;)
        pthread_cond_wait(&c, &m); /* until cancelled */
    pthread_cleanup_pop(1);
    return NULL;
}

int main(void)
{
    int cancelled = 0;
    for (int i = 0; i < 50; i++) {
        pthread_t t;
        started = 0;
        pthread_create(&t, NULL, waiter, NULL);
        pthread_mutex_lock(&m);
        while (!started)
            pthread_cond_wait(&c, &m);
        pthread_mutex_unlock(&m);
        pthread_cancel(t);
        void *res;
        pthread_join(t, &res);
        cancelled += res == PTHREAD_CANCELED;
    }
    printf("cancelled and joined: %d\n", cancelled);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: cancelled and joined: 50
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
