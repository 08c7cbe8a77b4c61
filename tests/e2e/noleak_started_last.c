/* The twin of leak_started_last.c: main starts two workers on its last
 * lines and returns at once, but each has what it waits for: a value
 * already buffered in its channel, a job already set. Both end by
 * themselves (or are cut off by the exit), never blocked forever: no
 * leak, whichever comes first. */
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
    chan_recv(c, &v);
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!job)
        pthread_cond_wait(&job_cv, &mu);
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    chan_t *c = chan_make(sizeof(int), 1);
    int v = 7;
    chan_send(c, &v);
    go(receiver, c);
    pthread_mutex_lock(&mu);
    job = 1;
    pthread_mutex_unlock(&mu);
    pthread_t th;
    pthread_create(&th, NULL, waiter, NULL);
    printf("main done\n");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: main done
// EXPECT-NOT: WARNING
