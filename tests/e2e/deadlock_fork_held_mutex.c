/* A mutex another thread held at the moment of the fork stays held in the
 * child forever (POSIX: only the forking thread is copied). The child's
 * only goroutine blocks on it: all goroutines are asleep, as far as the
 * child's own threads go, and the dump names the holder, a goroutine of
 * the parent. The parent's threads are not counted in the child: without
 * that, the parent's running main would keep the child's deadlock
 * hidden. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static sem_t locked;
static volatile int done;

/* Holds the mutex and keeps running (a sleep counts as running), so in
 * the parent not every goroutine could ever be asleep. */
static void *holder(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu); // LINE:holder_lock
    sem_post(&locked);
    while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
        usleep(1000);
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    sem_init(&locked, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, holder, NULL);
    sem_wait(&locked);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_mutex_lock(&mu); // LINE:child_lock
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child exited with %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: child exited with 2
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT: goroutine 1 [pthread_mutex_lock]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:child_lock}} {{OFF}}
// EXPECT: ... waits on mutex {{ADDR}} held by goroutine 2, locked at:
// EXPECT: holder()
// EXPECT: 	{{FILE}}:{{LINE:holder_lock}} {{OFF}}
// EXPECT-NOT: WARNING
