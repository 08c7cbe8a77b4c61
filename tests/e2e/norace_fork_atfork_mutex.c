/* The correct way to fork a multithreaded program that uses a mutex in
 * the child: pthread_atfork makes the forking thread take the mutex
 * before the fork and release it on both sides. Worker threads hammer the
 * mutex while the main thread forks again and again; each child takes the
 * mutex, updates the shared state and exits. Silent: the prepare handler
 * runs before the detector takes its own locks, the child handler after
 * it frees them, so the detector sees the forking thread lock and unlock
 * its own mutex. The workers, blocked on the mutex or running when the
 * fork happened, do not exist in the child: no leak, no deadlock there. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static volatile int stop;

static void prepare(void) { pthread_mutex_lock(&mu); }
static void parent(void) { pthread_mutex_unlock(&mu); }
static void child(void) { pthread_mutex_unlock(&mu); }

static void *worker(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

int main(void)
{
    pthread_atfork(prepare, parent, child);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    int bad = 0;
    for (int i = 0; i < 20; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            pthread_mutex_lock(&mu);
            counter += 1000;
            pthread_mutex_unlock(&mu);
            exit(0);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad++;
    }
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("children failed: %d\n", bad);
    return bad;
}

// EXPECT-EXIT: 0
// EXPECT: children failed: 0
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
