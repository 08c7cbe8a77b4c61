/* A worker the program starts waits on a condition variable for a job
 * that never comes (the signal is forgotten), and main returns: the
 * worker is blocked forever at exit, a GOROUTINE LEAK, however a library's
 * own pool workers parked the same way are treated
 * (norace_openmp_idle_workers.c). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int job;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!job)
        pthread_cond_wait(&cv, &mu); // LINE:wait
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    pthread_detach(t);
    usleep(100 * 1000);
    pthread_mutex_lock(&mu);
    job = 0; /* the job was meant to be set here, and cv signalled */
    pthread_mutex_unlock(&mu);
    puts("main done");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: main done
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 2 [pthread_cond_wait] blocked forever at:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT: Goroutine 2 (blocked) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: Found 1 goroutine leak(s)
// EXPECT-COUNT: 1 WARNING: GOROUTINE LEAK
