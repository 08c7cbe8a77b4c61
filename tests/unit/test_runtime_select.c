/*
 * test_runtime_select.c: libgochan's chan_select (runtime/src/select.c).
 *
 * Fairness among ready cases, the nonblocking default, nil-channel cases,
 * blocking selects woken by a later send, receive or close, comma-ok on
 * closed channels, send cases, no stale waiters left behind on the cases
 * that did not fire, and exactly-once delivery with many channels, many
 * senders and several selecting receivers.
 *
 * Assertions run on the test thread only; goroutines record results.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gochan.h"
#include "timing.h"


/* ------------------------------------------------------------------ */
/* Fairness                                                             */
/* ------------------------------------------------------------------ */

enum { FAIR_ROUNDS = 100000 };

/* n always-ready receive cases: each is chosen 1/n of the time, +-3
 * percentage points over 100,000 selects. (The binomial standard deviation
 * is under 0.16 points, so a fair select never fails this; one biased by
 * case order always does.) */
static void check_fair_recv(size_t n)
{
    chan_t *c[4];
    chan_case cases[4];
    int v[4];
    long count[4] = {0};
    for (size_t i = 0; i < n; i++) {
        c[i] = chan_make(sizeof(int), 1);
        assert_non_null(c[i]);
        int x = (int)i;
        assert_true(chan_try_send(c[i], &x));
        cases[i] = CHAN_RECV_CASE(c[i], &v[i]);
    }
    long bad = 0;
    for (int r = 0; r < FAIR_ROUNDS; r++) {
        int k = chan_select(cases, n, false);
        if (k < 0 || (size_t)k >= n || !cases[k].ok || v[k] != k) {
            bad++;
            continue;
        }
        count[k]++;
        /* Refill the one just drained so every case stays ready. */
        if (!chan_try_send(c[k], &k))
            bad++;
    }
    assert_int_equal(bad, 0);
    double expect = 1.0 / (double)n;
    for (size_t i = 0; i < n; i++) {
        double share = (double)count[i] / FAIR_ROUNDS;
        if (share < expect - 0.03 || share > expect + 0.03)
            fail_msg("case %zu of %zu chosen %.2f%% of the time, expected %.2f%% +- 3",
                     i, n, share * 100, expect * 100);
        chan_free(c[i]);
    }
}

static void test_fairness_two_recv(void **state)
{
    (void)state;
    check_fair_recv(2);
}

static void test_fairness_four_recv(void **state)
{
    (void)state;
    check_fair_recv(4);
}

/* A ready send case and a ready receive case: 50/50 too. */
static void test_fairness_send_and_recv(void **state)
{
    (void)state;
    chan_t *in = chan_make(sizeof(int), 1);
    chan_t *out = chan_make(sizeof(int), 1);
    assert_non_null(in);
    assert_non_null(out);
    int one = 1, got = 0, sendv = 2;
    assert_true(chan_try_send(in, &one));
    chan_case cases[2] = {CHAN_RECV_CASE(in, &got), CHAN_SEND_CASE(out, &sendv)};
    long count[2] = {0}, bad = 0;
    for (int r = 0; r < FAIR_ROUNDS; r++) {
        int k = chan_select(cases, 2, true);
        if (k == 0) {
            count[0]++;
            if (!cases[0].ok || got != 1 || !chan_try_send(in, &one))
                bad++;
        } else if (k == 1) {
            count[1]++;
            int x = 0;
            if (chan_try_recv(out, &x) != CHAN_OK || x != 2)
                bad++;
        } else {
            bad++;
        }
    }
    assert_int_equal(bad, 0);
    for (int i = 0; i < 2; i++) {
        double share = (double)count[i] / FAIR_ROUNDS;
        if (share < 0.47 || share > 0.53)
            fail_msg("case %d chosen %.2f%% of the time, expected 50%% +- 3", i, share * 100);
    }
    chan_free(in);
    chan_free(out);
}

/* ------------------------------------------------------------------ */
/* Nonblocking select and nil cases                                     */
/* ------------------------------------------------------------------ */

static void test_nonblocking_default(void **state)
{
    (void)state;
    chan_t *empty = chan_make(sizeof(int), 2);
    chan_t *full = chan_make(sizeof(int), 1);
    chan_t *unbuf = chan_make(sizeof(int), 0);
    assert_non_null(empty);
    assert_non_null(full);
    assert_non_null(unbuf);
    int x = 9;
    assert_true(chan_try_send(full, &x));
    int r1 = -1, r2 = -1, s1 = 5, s2 = 6;
    chan_case cases[] = {
        CHAN_RECV_CASE(empty, &r1),
        CHAN_SEND_CASE(full, &s1),
        CHAN_RECV_CASE(unbuf, &r2),
        CHAN_SEND_CASE(unbuf, &s2),
        CHAN_RECV_CASE(NULL, &r1),
        CHAN_SEND_CASE(NULL, &s1),
    };
    int64_t t0 = gochan_now();
    for (int i = 0; i < 1000; i++)
        assert_int_equal(chan_select(cases, sizeof cases / sizeof cases[0], true), -1);
    assert_true(gochan_now() - t0 < 1000 * MS);
    /* Nothing was taken or added. */
    assert_int_equal(r1, -1);
    assert_int_equal(r2, -1);
    assert_int_equal(chan_len(empty), 0);
    assert_int_equal(chan_len(full), 1);
    assert_int_equal(chan_try_recv(unbuf, NULL), CHAN_EMPTY);
    /* No cases at all, and only nil cases. */
    assert_int_equal(chan_select(NULL, 0, true), -1);
    assert_int_equal(chan_select(&cases[4], 2, true), -1);
    /* Once a case is ready, the nonblocking select takes it. */
    int y = 44;
    assert_true(chan_try_send(empty, &y));
    assert_int_equal(chan_select(cases, sizeof cases / sizeof cases[0], true), 0);
    assert_true(cases[0].ok);
    assert_int_equal(r1, 44);
    chan_free(empty);
    chan_free(full);
    chan_free(unbuf);
}

/* A case on a nil channel is never chosen, even among ready ones. */
static void test_nil_case_never_chosen(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 1);
    assert_non_null(c);
    int v = 0, s = 1;
    chan_case cases[] = {
        CHAN_RECV_CASE(NULL, &v),
        CHAN_RECV_CASE(c, &v),
        CHAN_SEND_CASE(NULL, &s),
    };
    long wrong = 0;
    for (int i = 0; i < 10000; i++) {
        int x = i;
        assert_true(chan_try_send(c, &x));
        int k = chan_select(cases, 3, (i & 1) != 0);
        if (k != 1 || v != i)
            wrong++;
    }
    assert_int_equal(wrong, 0);
    chan_free(c);
}

/* Blocking selects that can never proceed block forever. Their state is
 * static and they are never joined. */
static atomic_int nilsel_started, nilsel_returned;
static chan_case nilsel_cases[2];

static void nil_select_fn(void *arg)
{
    (void)arg;
    atomic_fetch_add(&nilsel_started, 1);
    chan_select(nilsel_cases, 2, false);
    atomic_fetch_add(&nilsel_returned, 1);
}

static void empty_select_fn(void *arg)
{
    (void)arg;
    atomic_fetch_add(&nilsel_started, 1);
    chan_select(NULL, 0, false);
    atomic_fetch_add(&nilsel_returned, 1);
}

static void test_blocking_select_nil_and_empty_block_forever(void **state)
{
    (void)state;
    static int v, s = 1;
    nilsel_cases[0] = CHAN_RECV_CASE(NULL, &v);
    nilsel_cases[1] = CHAN_SEND_CASE(NULL, &s);
    assert_int_equal(go(nil_select_fn, NULL), 0);
    assert_int_equal(go(empty_select_fn, NULL), 0);
    assert_true(wait_at_least(&nilsel_started, 2, PROMPT_NS));
    sleep_ns(BLOCK_NS);
    assert_int_equal(atomic_load(&nilsel_returned), 0);
}

/* ------------------------------------------------------------------ */
/* Blocking select woken later                                          */
/* ------------------------------------------------------------------ */

struct delayed_op {
    chan_t *c;
    int value;
    int64_t at;          /* gochan_now() just before the operation */
    atomic_int done;
    bool ok;
};

static void delayed_send_fn(void *arg)
{
    struct delayed_op *d = arg;
    sleep_ns(BLOCK_NS);
    d->at = gochan_now();
    chan_send(d->c, &d->value);
    atomic_store(&d->done, 1);
}

static void delayed_recv_fn(void *arg)
{
    struct delayed_op *d = arg;
    sleep_ns(BLOCK_NS);
    d->at = gochan_now();
    d->ok = chan_recv(d->c, &d->value);
    atomic_store(&d->done, 1);
}

static void delayed_close_fn(void *arg)
{
    struct delayed_op *d = arg;
    sleep_ns(BLOCK_NS);
    d->at = gochan_now();
    chan_close(d->c);
    atomic_store(&d->done, 1);
}

/* A blocking select over two empty unbuffered channels returns the case
 * of the later send, with its value; it did not return before that send
 * started; and it left no waiter behind on the other channel (a stale one
 * would swallow a later try_send there). */
static void test_select_wakes_on_send(void **state)
{
    (void)state;
    for (size_t cap = 0; cap <= 1; cap++) {
        chan_t *a = chan_make(sizeof(int), cap);
        chan_t *b = chan_make(sizeof(int), cap);
        assert_non_null(a);
        assert_non_null(b);
        struct delayed_op d = {.c = b, .value = 777};
        assert_int_equal(go(delayed_send_fn, &d), 0);
        int va = -1, vb = -1;
        chan_case cases[] = {CHAN_RECV_CASE(a, &va), CHAN_RECV_CASE(b, &vb)};
        int k = chan_select(cases, 2, false);
        int64_t t = gochan_now();
        assert_int_equal(k, 1);
        assert_true(cases[1].ok);
        assert_int_equal(vb, 777);
        assert_int_equal(va, -1);
        assert_true(wait_at_least(&d.done, 1, PROMPT_NS));
        assert_true(t >= d.at);
        int x = 1;
        if (cap == 0)
            assert_false(chan_try_send(a, &x));
        assert_int_equal(chan_try_recv(b, NULL), CHAN_EMPTY);
        chan_free(a);
        chan_free(b);
    }
}

/* A blocking select with a send case wakes when a receiver comes; the
 * receiver gets the value; the select's other (receive) case leaves no
 * waiter behind and its buffer is untouched. */
static void test_select_wakes_on_recv(void **state)
{
    (void)state;
    chan_t *a = chan_make(sizeof(int), 0);
    chan_t *b = chan_make(sizeof(int), 0);
    assert_non_null(a);
    assert_non_null(b);
    struct delayed_op d = {.c = a, .value = -1};
    assert_int_equal(go(delayed_recv_fn, &d), 0);
    int sendv = 5150, vb = -1;
    chan_case cases[] = {CHAN_SEND_CASE(a, &sendv), CHAN_RECV_CASE(b, &vb)};
    int k = chan_select(cases, 2, false);
    int64_t t = gochan_now();
    assert_int_equal(k, 0);
    assert_true(wait_at_least(&d.done, 1, PROMPT_NS));
    assert_true(t >= d.at);
    assert_true(d.ok);
    assert_int_equal(d.value, 5150);
    assert_int_equal(vb, -1);
    /* No stale send offer on a, no stale receive on b. */
    assert_int_equal(chan_try_recv(a, NULL), CHAN_EMPTY);
    int x = 3;
    assert_false(chan_try_send(b, &x));
    chan_free(a);
    chan_free(b);
}

/* A blocking select is woken by a close: ok false, buffer zeroed. */
static void test_select_wakes_on_close(void **state)
{
    (void)state;
    chan_t *a = chan_make(sizeof(int), 0);
    chan_t *b = chan_make(sizeof(int), 2);
    assert_non_null(a);
    assert_non_null(b);
    struct delayed_op d = {.c = b};
    assert_int_equal(go(delayed_close_fn, &d), 0);
    int va = -1, vb = -1;
    chan_case cases[] = {CHAN_RECV_CASE(a, &va), CHAN_RECV_CASE(b, &vb)};
    cases[1].ok = true;
    int k = chan_select(cases, 2, false);
    int64_t t = gochan_now();
    assert_int_equal(k, 1);
    assert_false(cases[1].ok);
    assert_int_equal(vb, 0);
    assert_int_equal(va, -1);
    assert_true(wait_at_least(&d.done, 1, PROMPT_NS));
    assert_true(t >= d.at);
    int x = 1;
    assert_false(chan_try_send(a, &x));
    chan_free(a);
    chan_free(b);
}

/* Many goroutines blocked in selects on the same channel are all woken by
 * its close. */
enum { CLOSE_SELECTORS = 8 };

struct close_selector {
    chan_t *c;
    chan_t *other;
    atomic_int *started, *returned;
    int index;
    bool ok;
    int value;
};

static void close_select_fn(void *arg)
{
    struct close_selector *s = arg;
    int dummy = -1;
    s->value = -1;
    chan_case cases[] = {CHAN_RECV_CASE(s->other, &dummy), CHAN_RECV_CASE(s->c, &s->value)};
    atomic_fetch_add(s->started, 1);
    s->index = chan_select(cases, 2, false);
    s->ok = cases[1].ok;
    atomic_fetch_add(s->returned, 1);
}

static void test_close_wakes_all_selects(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 0);
    chan_t *other = chan_make(sizeof(int), 0);
    assert_non_null(c);
    assert_non_null(other);
    atomic_int started = 0, returned = 0;
    struct close_selector s[CLOSE_SELECTORS];
    for (int i = 0; i < CLOSE_SELECTORS; i++) {
        s[i] = (struct close_selector){.c = c, .other = other, .started = &started,
                                       .returned = &returned, .ok = true};
        assert_int_equal(go(close_select_fn, &s[i]), 0);
    }
    assert_true(wait_at_least(&started, CLOSE_SELECTORS, PROMPT_NS));
    sleep_ns(BLOCK_NS);
    assert_int_equal(atomic_load(&returned), 0);
    chan_close(c);
    assert_true(wait_at_least(&returned, CLOSE_SELECTORS, PROMPT_NS));
    for (int i = 0; i < CLOSE_SELECTORS; i++) {
        assert_int_equal(s[i].index, 1);
        assert_false(s[i].ok);
        assert_int_equal(s[i].value, 0);
    }
    int x = 1;
    assert_false(chan_try_send(other, &x));
    chan_free(c);
    chan_free(other);
}

/* ------------------------------------------------------------------ */
/* Closed channels and send cases                                       */
/* ------------------------------------------------------------------ */

/* A receive case on a closed channel is ready: buffered values first with
 * ok true, then ok false and a zeroed buffer. */
static void test_recv_case_closed(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 2);
    chan_t *never = chan_make(sizeof(int), 0);
    assert_non_null(c);
    assert_non_null(never);
    int a = 11, b = 12;
    chan_send(c, &a);
    chan_send(c, &b);
    chan_close(c);
    int v = -1, w = -1;
    chan_case cases[] = {CHAN_RECV_CASE(never, &w), CHAN_RECV_CASE(c, &v)};
    assert_int_equal(chan_select(cases, 2, false), 1);
    assert_true(cases[1].ok);
    assert_int_equal(v, 11);
    assert_int_equal(chan_select(cases, 2, true), 1);
    assert_true(cases[1].ok);
    assert_int_equal(v, 12);
    for (int i = 0; i < 3; i++) {
        v = -1;
        cases[1].ok = true;
        assert_int_equal(chan_select(cases, 2, (i & 1) != 0), 1);
        assert_false(cases[1].ok);
        assert_int_equal(v, 0);
    }
    /* A NULL buffer discards. */
    cases[1].buf = NULL;
    cases[1].ok = true;
    assert_int_equal(chan_select(cases, 2, false), 1);
    assert_false(cases[1].ok);
    assert_int_equal(w, -1);
    chan_free(c);
    chan_free(never);
}

/* A send case delivers its value: into a buffer, or to a blocked
 * receiver of an unbuffered channel. */
static void test_send_case_delivers(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 3);
    chan_t *never = chan_make(sizeof(int), 0);
    assert_non_null(c);
    assert_non_null(never);
    int w = -1;
    for (int i = 0; i < 3; i++) {
        int v = 100 + i;
        chan_case cases[] = {CHAN_RECV_CASE(never, &w), CHAN_SEND_CASE(c, &v)};
        assert_int_equal(chan_select(cases, 2, i == 1), 1);
    }
    assert_int_equal(chan_len(c), 3);
    int v = 103;
    chan_case full[] = {CHAN_SEND_CASE(c, &v)};
    assert_int_equal(chan_select(full, 1, true), -1);
    for (int i = 0; i < 3; i++) {
        int got = -1;
        assert_true(chan_recv(c, &got));
        assert_int_equal(got, 100 + i);
    }

    chan_t *u = chan_make(sizeof(int), 0);
    assert_non_null(u);
    struct delayed_op d = {.c = u, .value = -1};
    assert_int_equal(go(delayed_recv_fn, &d), 0);
    int sendv = 4711;
    chan_case cases[] = {CHAN_SEND_CASE(u, &sendv)};
    assert_int_equal(chan_select(cases, 1, false), 0);
    assert_true(wait_at_least(&d.done, 1, PROMPT_NS));
    assert_true(d.ok);
    assert_int_equal(d.value, 4711);
    chan_free(c);
    chan_free(never);
    chan_free(u);
}

/* ------------------------------------------------------------------ */
/* Select against select, many channels                                 */
/* ------------------------------------------------------------------ */

/* Two goroutines in blocking selects meet on an unbuffered channel: one
 * with a send case, the other with a receive case. */
struct pingpong {
    chan_t *ping, *pong, *idle;
    int rounds;
    atomic_int done;
    int errors;
};

static void select_echo_fn(void *arg)
{
    struct pingpong *p = arg;
    int dummy;
    for (int i = 0; i < p->rounds; i++) {
        int v = -1;
        chan_case rc[] = {CHAN_RECV_CASE(p->idle, &dummy), CHAN_RECV_CASE(p->ping, &v)};
        if (chan_select(rc, 2, false) != 1 || !rc[1].ok || v != i)
            p->errors++;
        v = -v;
        chan_case sc[] = {CHAN_SEND_CASE(p->pong, &v), CHAN_RECV_CASE(p->idle, &dummy)};
        if (chan_select(sc, 2, false) != 0)
            p->errors++;
    }
    atomic_store(&p->done, 1);
}

static void test_select_to_select(void **state)
{
    (void)state;
    struct pingpong p = {
        .ping = chan_make(sizeof(int), 0),
        .pong = chan_make(sizeof(int), 0),
        .idle = chan_make(sizeof(int), 0),
        .rounds = 5000,
    };
    assert_non_null(p.ping);
    assert_non_null(p.pong);
    assert_non_null(p.idle);
    assert_int_equal(go(select_echo_fn, &p), 0);
    int dummy, errors = 0;
    for (int i = 0; i < p.rounds; i++) {
        int v = i;
        chan_case sc[] = {CHAN_RECV_CASE(p.idle, &dummy), CHAN_SEND_CASE(p.ping, &v)};
        if (chan_select(sc, 2, false) != 1)
            errors++;
        int back = 1;
        chan_case rc[] = {CHAN_RECV_CASE(p.pong, &back), CHAN_RECV_CASE(p.idle, &dummy)};
        if (chan_select(rc, 2, false) != 0 || back != -i)
            errors++;
    }
    assert_true(wait_at_least(&p.done, 1, PROMPT_NS));
    assert_int_equal(errors, 0);
    assert_int_equal(p.errors, 0);
    chan_free(p.ping);
    chan_free(p.pong);
    chan_free(p.idle);
}

enum { MANY_CHANS = 8, MANY_PER = 20000, MANY_SELECTORS = 3 };
#define MANY_TOTAL (MANY_CHANS * MANY_PER)

static atomic_uchar many_count[MANY_TOTAL];

struct many_shared {
    chan_t *c[MANY_CHANS];
    atomic_int senders_done, selectors_done;
};

struct many_sender {
    struct many_shared *sh;
    int id;
};

struct many_selector {
    struct many_shared *sh;
    uint64_t received, sum, order_errors, bad_index;
};

static void many_send_fn(void *arg)
{
    struct many_sender *s = arg;
    chan_t *c = s->sh->c[s->id];
    for (uint32_t i = 0; i < MANY_PER; i++) {
        uint32_t v = (uint32_t)s->id * MANY_PER + i;
        if (s->id % 2 == 0) {
            chan_send(c, &v);
        } else {
            /* Odd senders go through select, with a nil case beside. */
            chan_case cases[] = {CHAN_SEND_CASE(NULL, &v), CHAN_SEND_CASE(c, &v)};
            chan_select(cases, 2, false);
        }
    }
    chan_close(c);
    atomic_fetch_add(&s->sh->senders_done, 1);
}

static void many_select_fn(void *arg)
{
    struct many_selector *r = arg;
    uint32_t vals[MANY_CHANS];
    chan_case cases[MANY_CHANS];
    int64_t last[MANY_CHANS];
    for (int i = 0; i < MANY_CHANS; i++) {
        cases[i] = CHAN_RECV_CASE(r->sh->c[i], &vals[i]);
        last[i] = -1;
    }
    int open = MANY_CHANS;
    while (open > 0) {
        int k = chan_select(cases, MANY_CHANS, false);
        if (k < 0 || k >= MANY_CHANS || cases[k].c == NULL) {
            r->bad_index++;
            break;
        }
        if (!cases[k].ok) {
            cases[k].c = NULL; /* Go's idiom: a nil channel disables the case */
            open--;
            continue;
        }
        uint32_t v = vals[k];
        r->received++;
        r->sum += v;
        if (v >= MANY_TOTAL || v / MANY_PER != (uint32_t)k) {
            r->bad_index++;
            continue;
        }
        atomic_fetch_add(&many_count[v], 1);
        if ((int64_t)v <= last[k])
            r->order_errors++;
        last[k] = v;
    }
    atomic_fetch_add(&r->sh->selectors_done, 1);
}

/* 8 channels (half unbuffered, half buffered), one sender each (half of
 * them sending through select), 3 receivers selecting over all 8: every
 * value arrives exactly once, each channel's values in order. */
static void test_many_channels_exactly_once(void **state)
{
    (void)state;
    for (size_t i = 0; i < MANY_TOTAL; i++)
        atomic_store(&many_count[i], 0);
    struct many_shared sh = {0};
    for (int i = 0; i < MANY_CHANS; i++) {
        sh.c[i] = chan_make(sizeof(uint32_t), i < MANY_CHANS / 2 ? 0 : 16);
        assert_non_null(sh.c[i]);
    }
    struct many_selector r[MANY_SELECTORS];
    for (int i = 0; i < MANY_SELECTORS; i++) {
        r[i] = (struct many_selector){.sh = &sh};
        assert_int_equal(go(many_select_fn, &r[i]), 0);
    }
    struct many_sender s[MANY_CHANS];
    for (int i = 0; i < MANY_CHANS; i++) {
        s[i] = (struct many_sender){.sh = &sh, .id = i};
        assert_int_equal(go(many_send_fn, &s[i]), 0);
    }
    assert_true(wait_at_least(&sh.senders_done, MANY_CHANS, 60000 * MS));
    assert_true(wait_at_least(&sh.selectors_done, MANY_SELECTORS, PROMPT_NS));
    uint64_t received = 0, sum = 0, order_errors = 0, bad = 0;
    for (int i = 0; i < MANY_SELECTORS; i++) {
        received += r[i].received;
        sum += r[i].sum;
        order_errors += r[i].order_errors;
        bad += r[i].bad_index;
    }
    uint64_t n = MANY_TOTAL;
    assert_int_equal(bad, 0);
    assert_int_equal(received, n);
    assert_int_equal(sum, n * (n - 1) / 2);
    assert_int_equal(order_errors, 0);
    uint64_t wrong = 0;
    for (uint64_t i = 0; i < n; i++)
        if (atomic_load(&many_count[i]) != 1)
            wrong++;
    assert_int_equal(wrong, 0);
    for (int i = 0; i < MANY_CHANS; i++)
        chan_free(sh.c[i]);
}

int main(void)
{
    alarm(WATCHDOG_S);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fairness_two_recv),
        cmocka_unit_test(test_fairness_four_recv),
        cmocka_unit_test(test_fairness_send_and_recv),
        cmocka_unit_test(test_nonblocking_default),
        cmocka_unit_test(test_nil_case_never_chosen),
        cmocka_unit_test(test_blocking_select_nil_and_empty_block_forever),
        cmocka_unit_test(test_select_wakes_on_send),
        cmocka_unit_test(test_select_wakes_on_recv),
        cmocka_unit_test(test_select_wakes_on_close),
        cmocka_unit_test(test_close_wakes_all_selects),
        cmocka_unit_test(test_recv_case_closed),
        cmocka_unit_test(test_send_case_delivers),
        cmocka_unit_test(test_select_to_select),
        cmocka_unit_test(test_many_channels_exactly_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
