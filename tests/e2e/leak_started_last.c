/* main starts two workers on its last lines and returns at once: a
 * goroutine that will receive from a channel nobody sends on, and a
 * thread that will wait on a condition variable nobody signals. Neither
 * has reached its wait when main returns (thread start-up takes longer
 * than a return), but both would block there forever: two leaks, found
 * once the running goroutines have had their moment to settle at exit. */
#include <pthread.h>
#include <stdio.h>

#include <gochan.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cv = PTHREAD_COND_INITIALIZER;
static int job;

static void receiver(void *arg)
{
    chan_t *c = arg;
    int v;
    chan_recv(c, &v); // LINE:recv
    printf("received %d\n", v);
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!job)
        pthread_cond_wait(&job_cv, &mu); // LINE:wait
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    chan_t *c = chan_make(sizeof(int), 0);
    go(receiver, c); // LINE:go
    pthread_t th;
    pthread_create(&th, NULL, waiter, NULL); // LINE:create
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 2 [chan receive] blocked forever at:
// EXPECT:   receiver()
// EXPECT:       {{FILE}}:{{LINE:recv}} {{OFF}}
// EXPECT: ... channel created at:
// EXPECT:   main()
// EXPECT: Goroutine 2 (blocked) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: Goroutine 3 [pthread_cond_wait] blocked forever at:
// EXPECT:   waiter()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT: Goroutine 3 (blocked) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: Found 2 goroutine leak(s)
// EXPECT-NOT: received
