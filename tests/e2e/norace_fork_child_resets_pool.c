/* A worker pool parked at a fork: the worker counts itself idle and waits
 * on a condition variable (libuv's thread pool does so), and main forks
 * without having synchronised with it since. In the child only main
 * exists, and it resets the pool, as libuv's fork handler does: the
 * worker's last writes were made before the fork, into the memory the
 * child copied, and the worker does not exist in the child to race with.
 * Silent (the child's reset was reported racing with the parked worker's
 * `idle++`, a goroutine "finished" at the fork). */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int idle, quit, started;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
    while (!quit) {
        idle++;
        pthread_cond_wait(&cv, &mu);
        idle--;
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
        usleep(1000);
    usleep(50 * 1000); /* the worker is parked, idle == 1 */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_mutex_init(&mu, NULL);
        pthread_cond_init(&cv, NULL);
        idle = 0;
        printf("child: idle=%d\n", idle);
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    pthread_mutex_lock(&mu);
    quit = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(t, NULL);
    printf("parent: child exited %d, idle=%d\n", WEXITSTATUS(st), idle);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: child: idle=0
// EXPECT: parent: child exited 0, idle=0
// EXPECT-NOT: WARNING
