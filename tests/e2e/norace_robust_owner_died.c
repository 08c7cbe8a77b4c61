/* A worker dies holding a robust mutex; main then gets the mutex with
 * EOWNERDEAD, repairs the state the worker left and marks it consistent.
 * The kernel hands the lock over only once the worker is gone, so what the
 * worker wrote happens before: no race (ThreadSanitizer reports one here,
 * a false positive its own test admits). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu;
static int state;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    state = 42;
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
    int r = pthread_mutex_lock(&mu);
    if (r != EOWNERDEAD)
        return 1;
    state = state + 1;
    pthread_mutex_consistent(&mu);
    pthread_mutex_unlock(&mu);
    pthread_join(t, NULL);
    printf("state=%d\n", state);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: state=43
// EXPECT-NOT: WARNING
