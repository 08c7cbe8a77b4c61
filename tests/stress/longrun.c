/*
 * longrun.c: longrun SECONDS
 *
 * Steady mutex and channel traffic for SECONDS, then a clean stop.
 * Producers allocate messages and send them on a buffered channel (a
 * select against a done channel, so they stop when told); consumers
 * receive them, fold them into a mutex-protected table and free them.
 * Every CHURN_EVERY messages a consumer makes, uses and frees a channel
 * and a mutex of its own: new sync objects and freed memory keep coming
 * for the whole run.
 *
 * The goroutines are long-lived: each goroutine started leaves a record
 * of about 1 KiB in crace once it ends (a detached thread's record is
 * never freed, see detector/thread.c), so goroutine churn would measure
 * that known cost rather than a leak.
 *
 * The program samples its own VmRSS after a warm-up (at a fifth of the
 * run) and at the end, and prints both: a detector whose memory grows
 * with the length of a run (clocks, sync objects or shadow of freed
 * memory that are never reclaimed) fails a long CI job. The runner
 * compares the two figures.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gochan.h>

#define PRODUCERS 2
#define CONSUMERS 2
#define QUEUE_CAP 64
#define TABLE_SIZE 64
#define CHURN_EVERY 100

struct msg {
    long key, val;
    char payload[40];
};

static chan_t *jobs;
static chan_t *done; /* closed by main to stop the producers */
static waitgroup_t producers_wg = WAITGROUP_INIT;
static waitgroup_t consumers_wg = WAITGROUP_INIT;

static pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;
static long table[TABLE_SIZE]; /* guarded by table_mu */
static long received;          /* guarded by table_mu */
static long churned;           /* guarded by table_mu */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmRSS of this process in KiB, from /proc/self/status; -1 if unreadable. */
static long vm_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

static void producer(void *arg)
{
    long id = (long)arg;
    for (long n = 0;; n++) {
        struct msg *m = malloc(sizeof(*m));
        if (!m)
            abort();
        m->key = id * 7919 + n;
        m->val = 1;
        snprintf(m->payload, sizeof(m->payload), "producer %ld message %ld", id, n);
        chan_case cases[] = {CHAN_SEND_CASE(jobs, &m), CHAN_RECV_CASE(done, NULL)};
        if (chan_select(cases, 2, false) == 1) {
            free(m);
            break;
        }
    }
    waitgroup_done(&producers_wg);
}

/* A channel and a mutex made, used and freed: the detector's sync
 * objects for them must go with them. */
static void churn_sync_objects(long v)
{
    long got = 0;
    chan_t *c = chan_make(sizeof(long), 1);
    pthread_mutex_t *mu = malloc(sizeof(*mu));
    if (!c || !mu)
        abort();
    pthread_mutex_init(mu, NULL);
    chan_send(c, &v);
    chan_recv(c, &got);
    pthread_mutex_lock(mu);
    got += 1;
    pthread_mutex_unlock(mu);
    pthread_mutex_destroy(mu);
    free(mu);
    chan_free(c);
    pthread_mutex_lock(&table_mu);
    churned += got == v + 1;
    pthread_mutex_unlock(&table_mu);
}

static void consumer(void *arg)
{
    (void)arg;
    struct msg *m;
    while (chan_recv(jobs, &m)) {
        pthread_mutex_lock(&table_mu);
        table[m->key % TABLE_SIZE] += m->val;
        long r = ++received;
        pthread_mutex_unlock(&table_mu);
        free(m);
        if (r % CHURN_EVERY == 0)
            churn_sync_objects(r);
    }
    waitgroup_done(&consumers_wg);
}

static void sleep_until(double t)
{
    for (double left; (left = t - now()) > 0;) {
        struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2 || atof(argv[1]) <= 0) {
        fprintf(stderr, "usage: longrun SECONDS\n");
        return 2;
    }
    double seconds = atof(argv[1]);
    jobs = chan_make(sizeof(struct msg *), QUEUE_CAP);
    done = chan_make(0, 0);
    double start = now();
    waitgroup_add(&producers_wg, PRODUCERS);
    waitgroup_add(&consumers_wg, CONSUMERS);
    for (long i = 0; i < PRODUCERS; i++)
        go(producer, (void *)i);
    for (long i = 0; i < CONSUMERS; i++)
        go(consumer, (void *)i);

    sleep_until(start + seconds / 5);
    long warm = vm_rss_kib();
    double warm_at = now() - start;
    sleep_until(start + seconds);
    long end = vm_rss_kib();
    double end_at = now() - start;

    chan_close(done);
    waitgroup_wait(&producers_wg);
    chan_close(jobs);
    waitgroup_wait(&consumers_wg);

    long sum = 0;
    pthread_mutex_lock(&table_mu);
    for (int i = 0; i < TABLE_SIZE; i++)
        sum += table[i];
    int bad = sum != received || churned != received / CHURN_EVERY;
    printf("longrun: %ld messages, %ld channels and mutexes made and freed in %.1f s\n", received, churned,
           now() - start);
    pthread_mutex_unlock(&table_mu);
    printf("longrun: VmRSS warm-up %ld KiB at %.1f s, end %ld KiB at %.1f s\n", warm, warm_at, end, end_at);
    chan_free(jobs);
    chan_free(done);
    return bad || warm < 0 || end < 0;
}
