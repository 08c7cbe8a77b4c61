/* pthread_cancel of threads blocked in cancellation points (a condition
 * wait, a semaphore wait, a read of a pipe nobody writes): each ends, its
 * cleanup handler unlocks the mutex the cancelled wait re-took, and the
 * join orders everything the thread wrote before what main reads after.
 * Cancelled threads are neither asleep forever nor leaks. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static sem_t sem;
static int pipefd[2];
static int written[3];

static void unlock(void *arg)
{
    pthread_mutex_unlock(arg);
}

static void *cond_waiter(void *arg)
{
    (void)arg;
    written[0] = 1;
    pthread_mutex_lock(&mu);
    pthread_cleanup_push(unlock, &mu);
    for (;;)
        pthread_cond_wait(&never, &mu);
    pthread_cleanup_pop(1);
    return NULL;
}

static void *sem_waiter(void *arg)
{
    (void)arg;
    written[1] = 1;
    sem_wait(&sem);
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    written[2] = 1;
    char c;
    ssize_t n = read(pipefd[0], &c, 1);
    (void)n;
    return NULL;
}

int main(void)
{
    sem_init(&sem, 0, 0);
    if (pipe(pipefd) != 0)
        return 1;
    void *(*fns[3])(void *) = {cond_waiter, sem_waiter, reader};
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, fns[i], NULL);
    usleep(100 * 1000); /* all three are blocked by now (or soon) */
    for (int i = 0; i < 3; i++) {
        void *res;
        pthread_cancel(t[i]);
        pthread_join(t[i], &res);
        if (res != PTHREAD_CANCELED)
            printf("thread %d not cancelled\n", i);
    }
    pthread_mutex_lock(&mu); /* free again: the cleanup handler unlocked it */
    pthread_mutex_unlock(&mu);
    printf("written %d %d %d\n", written[0], written[1], written[2]);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: written 1 1 1
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
// EXPECT-NOT: not cancelled
