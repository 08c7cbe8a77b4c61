/* race_chan_value's twin: the values channel operations copy, ordered by
 * the channels themselves. main sends x straight from its variable and
 * the worker, having received it, writes x (the send's read happens
 * before the receive completes); the worker sends x back and main
 * receives it straight into x (the worker's read happens before main's
 * receive completes, and main's write follows it). Workers receive their
 * jobs through a select's receive case, sent by main's send cases, store
 * them in a table a mutex guards, and report their ids, which main
 * receives straight into the slots of an array it then reads. */
#include <pthread.h>
#include <stdio.h>

#include <gochan.h>

static int x;
static int results[4];
static int table[4];
static pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;
static chan_t *to_worker, *to_main, *jobs, *done;

static void echo(void *arg)
{
    (void)arg;
    int got;
    chan_recv(to_worker, &got);
    x = got + 1;
    chan_send(to_main, &x);
}

static void worker(void *arg)
{
    int id = (int)(long)arg;
    int job;
    chan_case cases[] = {CHAN_RECV_CASE(jobs, &job)};
    chan_select(cases, 1, false);
    pthread_mutex_lock(&table_mu);
    table[id] = job;
    pthread_mutex_unlock(&table_mu);
    chan_send(done, &id);
}

int main(void)
{
    to_worker = chan_make(sizeof(int), 0);
    to_main = chan_make(sizeof(int), 0);
    go(echo, NULL);
    x = 41;
    chan_send(to_worker, &x);
    chan_recv(to_main, &x);
    x++;

    jobs = chan_make(sizeof(int), 0);
    done = chan_make(sizeof(int), 4);
    for (long i = 0; i < 4; i++)
        go(worker, (void *)i);
    for (int i = 0; i < 4; i++) {
        int job = 10 * (i + 1);
        chan_case cases[] = {CHAN_SEND_CASE(jobs, &job)};
        chan_select(cases, 1, false);
    }
    for (int i = 0; i < 4; i++) {
        chan_case cases[] = {CHAN_RECV_CASE(done, &results[i])};
        chan_select(cases, 1, false);
    }
    int sum = 0;
    for (int i = 0; i < 4; i++) {
        pthread_mutex_lock(&table_mu);
        sum += table[results[i]];
        pthread_mutex_unlock(&table_mu);
    }
    printf("x=%d sum=%d\n", x, sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: x=43 sum=100
// EXPECT-NOT: WARNING
