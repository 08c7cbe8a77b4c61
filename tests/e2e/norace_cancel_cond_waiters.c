/* Cancelling threads blocked in pthread_cond_wait: each relocks the
 * mutex before its cleanup handler runs (POSIX), and the handler updates
 * data under it, then unlocks. The handlers are ordered by the mutex: no
 * race, and no goroutine is left waiting on the condition variable (its
 * destroy is no misuse). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static int ready, cancelled;

static void on_cancel(void *arg)
{
    (void)arg;
    cancelled++; /* under mu, relocked by the cancelled wait */
    pthread_mutex_unlock(&mu);
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    pthread_cleanup_push(on_cancel, NULL);
    while (!ready)
        pthread_cond_wait(&cv, &mu);
    pthread_cleanup_pop(1);
    return NULL;
}

static void *timed_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    pthread_cleanup_push(on_cancel, NULL);
    while (!ready) {
        struct timespec at;
        clock_gettime(CLOCK_REALTIME, &at);
        at.tv_sec += 60;
        pthread_cond_timedwait(&cv, &mu, &at);
    }
    pthread_cleanup_pop(1);
    return NULL;
}

int main(void)
{
    pthread_cond_init(&cv, NULL);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, i % 2 ? timed_waiter : waiter, NULL);
    usleep(200 * 1000);
    for (int i = 0; i < 4; i++)
        pthread_cancel(th[i]);
    int not_cancelled = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        not_cancelled += r != PTHREAD_CANCELED;
    }
    pthread_cond_destroy(&cv);
    pthread_mutex_lock(&mu);
    printf("cancelled %d, not %d\n", cancelled, not_cancelled);
    pthread_mutex_unlock(&mu);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: cancelled 4, not 0
// EXPECT-NOT: WARNING
