/* A condition variable orders nothing by itself: only its mutex does. The
 * worker sets the flag under the mutex, unlocks, then writes its result
 * and signals; main, which waits (the worker sleeps before setting the
 * flag), reads the result when woken. The write after the unlock races
 * with main's read even though the signal woke main: had main found the
 * flag set before waiting, it would have read the result at once. As
 * under ThreadSanitizer, reported in every run, not only when main did
 * not wait. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool done;
static int result;

static void *worker(void *arg)
{
    (void)arg;
    usleep(100 * 1000); /* main is waiting by now */
    pthread_mutex_lock(&mu);
    done = true;
    pthread_mutex_unlock(&mu);
    result = 42; // LINE:write
    pthread_cond_signal(&cv);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_lock(&mu);
    while (!done)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    printf("result=%d\n", result); // LINE:read
    pthread_join(t, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
