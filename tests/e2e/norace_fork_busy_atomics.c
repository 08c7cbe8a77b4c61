/* Forks while other threads keep the detector's sync objects busy: two
 * workers release and acquire through shared atomics and lock mutexes of
 * their own as fast as they can, and the main thread forks again and
 * again. Each child uses the same atomics (and a mutex of its own) and
 * exits. Silent, and every child finishes: a fork must not copy a sync
 * object half-updated, nor one whose lock a worker (absent from the child)
 * held at that instant, or the child would wait for it forever. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 60

static atomic_long counter;
static atomic_long progress[2];
static atomic_int stop;
static pthread_mutex_t own[2] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static long guarded[2];

static void *worker(void *arg)
{
    int self = (int)(long)arg;
    for (long i = 1; !atomic_load_explicit(&stop, memory_order_acquire); i++) {
        atomic_fetch_add_explicit(&counter, 1, memory_order_acq_rel);
        atomic_store_explicit(&progress[self], i, memory_order_release);
        (void)atomic_load_explicit(&progress[1 - self], memory_order_acquire);
        pthread_mutex_lock(&own[self]);
        guarded[self]++;
        pthread_mutex_unlock(&own[self]);
    }
    return NULL;
}

static int child(void)
{
    static pthread_mutex_t mine = PTHREAD_MUTEX_INITIALIZER;
    static long data;
    for (int i = 0; i < 1000; i++) {
        atomic_fetch_add_explicit(&counter, 1, memory_order_acq_rel);
        atomic_store_explicit(&progress[0], -1, memory_order_release);
        (void)atomic_load_explicit(&progress[1], memory_order_acquire);
        pthread_mutex_lock(&mine);
        data++;
        pthread_mutex_unlock(&mine);
    }
    return data == 1000 ? 0 : 1;
}

int main(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    int bad = 0;
    for (int i = 0; i < CHILDREN; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(child());
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad++;
    }
    atomic_store_explicit(&stop, 1, memory_order_release);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("children failed: %d\n", bad);
    return bad;
}

// EXPECT-EXIT: 0
// EXPECT: children failed: 0
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
