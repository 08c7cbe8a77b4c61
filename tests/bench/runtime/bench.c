/*
 * bench.c: libgochan channel throughput, four workloads, each the median
 * of several repetitions. bench.go runs the same workloads in Go with the
 * same counts and prints the same lines; run.sh puts both side by side.
 *
 *   pingpong  unbuffered round trips between two goroutines (N/10 trips)
 *   buf1x1    cap-1024 channel, 1 producer, 1 consumer (N messages)
 *   buf4x4    cap-1024 channel, 4 producers, 4 consumers (N messages)
 *   select4   one receiver selecting over 4 cap-1024 channels, each fed
 *             by its own sender (N messages in all)
 *
 * Usage: bench [-n N] [-r REPS] [WORKLOAD...]
 * Prints one line per workload: "NAME RATE", RATE in messages (round trips
 * for pingpong) per second. Every run checks that each message arrived
 * (count and checksum) and exits 1 if not.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gochan.h"

enum { CAP = 1024, PRODUCERS = 4, CONSUMERS = 4, SELECT_CHANS = 4, MAX_REPS = 101 };

static void die(const char *what)
{
    fprintf(stderr, "bench: %s\n", what);
    exit(1);
}

static void start(void (*fn)(void *), void *arg)
{
    if (go(fn, arg) != 0)
        die("go() failed");
}

/* Sum of first..first+n-1. */
static uint64_t range_sum(uint64_t first, uint64_t n)
{
    return n * first + n * (n - 1) / 2;
}

/* ------------------------------------------------------------------ */
/* pingpong                                                             */
/* ------------------------------------------------------------------ */

struct pingpong {
    chan_t *ping, *pong;
    int64_t n;
    waitgroup_t wg;
};

static void echo_fn(void *arg)
{
    struct pingpong *p = arg;
    int64_t v;
    for (int64_t i = 0; i < p->n; i++) {
        chan_recv(p->ping, &v);
        v++;
        chan_send(p->pong, &v);
    }
    waitgroup_done(&p->wg);
}

/* Returns the number of operations timed (round trips). */
static int64_t run_pingpong(int64_t n)
{
    static struct pingpong p;
    p = (struct pingpong){.ping = chan_make(sizeof(int64_t), 0),
                          .pong = chan_make(sizeof(int64_t), 0), .n = n / 10};
    if (!p.ping || !p.pong)
        die("chan_make failed");
    waitgroup_add(&p.wg, 1);
    start(echo_fn, &p);
    int64_t v = 0;
    for (int64_t i = 0; i < p.n; i++) {
        chan_send(p.ping, &v);
        chan_recv(p.pong, &v);
    }
    waitgroup_wait(&p.wg);
    if (v != p.n)
        die("pingpong: lost a round trip");
    chan_free(p.ping);
    chan_free(p.pong);
    return p.n;
}

/* ------------------------------------------------------------------ */
/* buffered producers/consumers                                         */
/* ------------------------------------------------------------------ */

struct prodcons {
    chan_t *c;
    int64_t per_producer;
    waitgroup_t producers, consumers;
    uint64_t sum[CONSUMERS];
    int64_t count[CONSUMERS];
};

struct worker {
    struct prodcons *pc;
    int index;
};

static void producer_fn(void *arg)
{
    struct worker *w = arg;
    int64_t base = w->index * w->pc->per_producer;
    for (int64_t i = 0; i < w->pc->per_producer; i++) {
        int64_t v = base + i;
        chan_send(w->pc->c, &v);
    }
    waitgroup_done(&w->pc->producers);
}

static void consumer_fn(void *arg)
{
    struct worker *w = arg;
    int64_t v, count = 0;
    uint64_t sum = 0;
    while (chan_recv(w->pc->c, &v)) {
        sum += (uint64_t)v;
        count++;
    }
    w->pc->sum[w->index] = sum;
    w->pc->count[w->index] = count;
    waitgroup_done(&w->pc->consumers);
}

static int64_t run_prodcons(int64_t n, int producers, int consumers)
{
    static struct prodcons pc;
    static struct worker pw[PRODUCERS], cw[CONSUMERS];
    pc = (struct prodcons){.c = chan_make(sizeof(int64_t), CAP), .per_producer = n / producers};
    if (!pc.c)
        die("chan_make failed");
    waitgroup_add(&pc.producers, producers);
    waitgroup_add(&pc.consumers, consumers);
    for (int i = 0; i < consumers; i++) {
        cw[i] = (struct worker){.pc = &pc, .index = i};
        start(consumer_fn, &cw[i]);
    }
    for (int i = 0; i < producers; i++) {
        pw[i] = (struct worker){.pc = &pc, .index = i};
        start(producer_fn, &pw[i]);
    }
    waitgroup_wait(&pc.producers);
    chan_close(pc.c);
    waitgroup_wait(&pc.consumers);
    int64_t total = pc.per_producer * producers, count = 0;
    uint64_t sum = 0;
    for (int i = 0; i < consumers; i++) {
        count += pc.count[i];
        sum += pc.sum[i];
    }
    if (count != total || sum != range_sum(0, (uint64_t)total))
        die("prodcons: lost or duplicated a message");
    chan_free(pc.c);
    return total;
}

static int64_t run_buf1x1(int64_t n)
{
    return run_prodcons(n, 1, 1);
}

static int64_t run_buf4x4(int64_t n)
{
    return run_prodcons(n, PRODUCERS, CONSUMERS);
}

/* ------------------------------------------------------------------ */
/* select over 4 channels                                               */
/* ------------------------------------------------------------------ */

struct selsrc {
    chan_t *c;
    int64_t first, n;
    waitgroup_t *wg;
};

static void selsrc_fn(void *arg)
{
    struct selsrc *s = arg;
    for (int64_t i = 0; i < s->n; i++) {
        int64_t v = s->first + i;
        chan_send(s->c, &v);
    }
    chan_close(s->c);
    waitgroup_done(s->wg);
}

static int64_t run_select4(int64_t n)
{
    static struct selsrc src[SELECT_CHANS];
    static waitgroup_t wg;
    wg = (waitgroup_t)WAITGROUP_INIT;
    int64_t per = n / SELECT_CHANS;
    int64_t vals[SELECT_CHANS];
    chan_case cases[SELECT_CHANS];
    waitgroup_add(&wg, SELECT_CHANS);
    for (int i = 0; i < SELECT_CHANS; i++) {
        src[i] = (struct selsrc){.c = chan_make(sizeof(int64_t), CAP), .first = i * per, .n = per,
                                 .wg = &wg};
        if (!src[i].c)
            die("chan_make failed");
        cases[i] = CHAN_RECV_CASE(src[i].c, &vals[i]);
    }
    for (int i = 0; i < SELECT_CHANS; i++)
        start(selsrc_fn, &src[i]);
    int open = SELECT_CHANS;
    int64_t count = 0;
    uint64_t sum = 0;
    while (open > 0) {
        int k = chan_select(cases, SELECT_CHANS, false);
        if (!cases[k].ok) {
            cases[k].c = NULL;
            open--;
            continue;
        }
        sum += (uint64_t)vals[k];
        count++;
    }
    waitgroup_wait(&wg);
    int64_t total = per * SELECT_CHANS;
    if (count != total || sum != range_sum(0, (uint64_t)total))
        die("select4: lost or duplicated a message");
    for (int i = 0; i < SELECT_CHANS; i++)
        chan_free(src[i].c);
    return total;
}

/* ------------------------------------------------------------------ */
/* Driver                                                               */
/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    int64_t (*run)(int64_t n);
} workloads[] = {
    {"pingpong", run_pingpong},
    {"buf1x1", run_buf1x1},
    {"buf4x4", run_buf4x4},
    {"select4", run_select4},
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_rate(int64_t (*run)(int64_t), int64_t n, int reps)
{
    double rate[MAX_REPS];
    for (int r = 0; r < reps; r++) {
        int64_t t0 = gochan_now();
        int64_t ops = run(n);
        int64_t t1 = gochan_now();
        rate[r] = (double)ops * 1e9 / (double)(t1 - t0 > 0 ? t1 - t0 : 1);
    }
    qsort(rate, (size_t)reps, sizeof rate[0], cmp_double);
    return reps % 2 ? rate[reps / 2] : (rate[reps / 2 - 1] + rate[reps / 2]) / 2;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench [-n N] [-r REPS] [pingpong|buf1x1|buf4x4|select4...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int64_t n = 1000000;
    int reps = 5, opt;
    while ((opt = getopt(argc, argv, "n:r:")) != -1) {
        switch (opt) {
        case 'n':
            n = strtoll(optarg, NULL, 10);
            break;
        case 'r':
            reps = atoi(optarg);
            break;
        default:
            usage();
        }
    }
    if (n < 40 || reps < 1 || reps > MAX_REPS)
        usage();
    size_t nw = sizeof workloads / sizeof workloads[0];
    for (int a = optind; a < argc; a++) {
        bool known = false;
        for (size_t i = 0; i < nw; i++)
            known |= strcmp(argv[a], workloads[i].name) == 0;
        if (!known)
            usage();
    }
    for (size_t i = 0; i < nw; i++) {
        bool selected = optind == argc;
        for (int a = optind; a < argc; a++)
            selected |= strcmp(argv[a], workloads[i].name) == 0;
        if (!selected)
            continue;
        printf("%s %.0f\n", workloads[i].name, median_rate(workloads[i].run, n, reps));
        fflush(stdout);
    }
    return 0;
}
