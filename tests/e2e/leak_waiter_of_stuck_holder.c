/* A goroutine takes a mutex and then waits on a semaphore nobody posts;
 * another waits for the mutex. Both are blocked forever at exit: the
 * second's holder will never release the lock. Two leaks, the waiter's
 * report naming the holder (the twin of noleak_busy_mutex_workers, where
 * the holders run). */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static sem_t never;

static void *holder(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu); // LINE:locked
    sem_wait(&never); // LINE:sem
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu); // LINE:waits
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    sem_init(&never, 0, 0);
    pthread_t h, w;
    pthread_create(&h, NULL, holder, NULL);
    usleep(50 * 1000); /* the holder has the mutex */
    pthread_create(&w, NULL, waiter, NULL);
    usleep(50 * 1000);
    puts("main returns");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: main returns
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 2 [sem_wait] blocked forever at:
// EXPECT:       {{FILE}}:{{LINE:sem}} {{OFF}}
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 3 [pthread_mutex_lock] blocked forever at:
// EXPECT:       {{FILE}}:{{LINE:waits}} {{OFF}}
// EXPECT: ... waits on mutex {{ADDR}} held by goroutine 2, locked at:
// EXPECT:       {{FILE}}:{{LINE:locked}} {{OFF}}
// EXPECT-COUNT: 2 WARNING: GOROUTINE LEAK
