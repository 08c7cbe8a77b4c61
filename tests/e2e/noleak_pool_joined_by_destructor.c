/* A worker pool that outlives main: its worker waits for work until the
 * pool is shut down, and the shutdown (stop flag, broadcast, join) runs in
 * a destructor, as libuv joins its thread pool and a C++ global pool
 * object joins in its own destructor. When the process ends the worker
 * has been joined: no leak, exit 0. It was reported as a GOROUTINE LEAK
 * (exit 66) on every run: the leak check ran when main returned, before
 * the destructors. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool stop;
static int jobs_done;
static pthread_t worker_thread;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!stop)
        pthread_cond_wait(&cv, &mu);
    jobs_done++;
    pthread_mutex_unlock(&mu);
    return NULL;
}

__attribute__((constructor)) static void pool_start(void)
{
    pthread_create(&worker_thread, NULL, worker, NULL);
}

__attribute__((destructor)) static void pool_shutdown(void)
{
    pthread_mutex_lock(&mu);
    stop = true;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(worker_thread, NULL);
    printf("pool stopped after %d job(s)\n", jobs_done);
}

int main(void)
{
    puts("main done");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: main done
// EXPECT: pool stopped after 1 job(s)
// EXPECT-NOT: WARNING
// EXPECT-NOT: LEAK
