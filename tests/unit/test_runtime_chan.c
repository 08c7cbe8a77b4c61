/*
 * test_runtime_chan.c: libgochan channels (runtime/src/chan.c).
 *
 * Checks the semantics gochan.h documents, each in a way that fails when
 * the runtime gets it wrong: FIFO order, the unbuffered rendezvous, blocking
 * on full and empty buffers, len/cap, close waking every waiter, comma-ok
 * receives, the try variants, zero-size and large elements, exactly-once
 * delivery under contention, and nil channels blocking forever.
 *
 * cmocka's assertions longjmp and must only run on the test's own thread:
 * goroutines record what they saw and the test asserts afterwards. Every
 * wait on a goroutine has a deadline, so a runtime that loses a wake-up
 * fails the test instead of hanging it (and a watchdog alarm in main stops
 * the whole program if something hangs anyway).
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
/* FIFO                                                                 */
/* ------------------------------------------------------------------ */

enum { FIFO_N = 100000 };

struct seq_sender {
    chan_t *c;
    uint64_t n;
    atomic_int done;
};

static void seq_send_fn(void *arg)
{
    struct seq_sender *s = arg;
    for (uint64_t i = 0; i < s->n; i++)
        chan_send(s->c, &i);
    atomic_store(&s->done, 1);
}

/* Single-threaded: values come out of a buffer in the order they went in,
 * also when the ring buffer wraps around. */
static void test_fifo_buffered_single(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(uint64_t), 5);
    assert_non_null(c);
    uint64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 50; round++) {
        int k = 1 + round % 5; /* 1..5 values per round: the ring wraps at odd offsets */
        for (int i = 0; i < k; i++) {
            assert_true(chan_try_send(c, &next_in));
            next_in++;
        }
        for (int i = 0; i < k; i++) {
            uint64_t v = UINT64_MAX;
            assert_true(chan_recv(c, &v));
            assert_int_equal(v, next_out);
            next_out++;
        }
    }
    chan_free(c);
}

/* A sender and a receiver on different threads: the receiver sees
 * 0, 1, 2, ... with nothing lost, duplicated or reordered. */
static void check_fifo_concurrent(size_t cap)
{
    chan_t *c = chan_make(sizeof(uint64_t), cap);
    assert_non_null(c);
    struct seq_sender s = {.c = c, .n = FIFO_N};
    assert_int_equal(go(seq_send_fn, &s), 0);
    uint64_t bad_at = UINT64_MAX;
    for (uint64_t i = 0; i < FIFO_N; i++) {
        uint64_t v = UINT64_MAX;
        if (!chan_recv(c, &v) || v != i) {
            bad_at = i;
            break;
        }
    }
    assert_int_equal(bad_at, UINT64_MAX);
    assert_true(wait_at_least(&s.done, 1, PROMPT_NS));
    assert_int_equal(chan_len(c), 0);
    chan_free(c);
}

static void test_fifo_buffered_concurrent(void **state)
{
    (void)state;
    check_fifo_concurrent(16);
}

static void test_fifo_unbuffered_concurrent(void **state)
{
    (void)state;
    check_fifo_concurrent(0);
}

/* ------------------------------------------------------------------ */
/* Unbuffered rendezvous and blocking                                   */
/* ------------------------------------------------------------------ */

struct late_receiver {
    chan_t *c;
    int64_t delay_ns;
    atomic_int about_to_recv; /* set right before chan_recv is called */
    atomic_int returned;      /* set right after chan_recv returned */
    bool ok;
    int value;
};

static void late_recv_fn(void *arg)
{
    struct late_receiver *r = arg;
    sleep_ns(r->delay_ns);
    atomic_store(&r->about_to_recv, 1);
    r->ok = chan_recv(r->c, &r->value);
    atomic_store(&r->returned, 1);
}

/* An unbuffered send returns only once a receiver has taken the value: the
 * receiver sleeps 50 ms before it even calls chan_recv, so a send that
 * returned before the flag was set did not wait for it. */
static void test_unbuffered_send_waits_for_receiver(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 0);
    assert_non_null(c);
    struct late_receiver r = {.c = c, .delay_ns = BLOCK_NS};
    int64_t t0 = gochan_now();
    assert_int_equal(go(late_recv_fn, &r), 0);
    int v = 1234;
    chan_send(c, &v);
    int64_t t1 = gochan_now();
    assert_int_equal(atomic_load(&r.about_to_recv), 1);
    assert_true(t1 - t0 >= BLOCK_NS);
    /* The value went to the receiver, not into some hidden buffer: nothing
     * is left to receive, and with no receiver waiting a send would block. */
    assert_int_equal(chan_len(c), 0);
    assert_int_equal(chan_try_recv(c, NULL), CHAN_EMPTY);
    int w = 99;
    assert_false(chan_try_send(c, &w));
    assert_true(wait_at_least(&r.returned, 1, PROMPT_NS));
    assert_true(r.ok);
    assert_int_equal(r.value, 1234);
    chan_free(c);
}

struct flag_sender {
    chan_t *c;
    int value;
    atomic_int returned;
};

static void flag_send_fn(void *arg)
{
    struct flag_sender *s = arg;
    chan_send(s->c, &s->value);
    atomic_store(&s->returned, 1);
}

/* An unbuffered send with no receiver blocks until one comes. */
static void test_unbuffered_send_blocks_without_receiver(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 0);
    assert_non_null(c);
    struct flag_sender s = {.c = c, .value = 77};
    assert_int_equal(go(flag_send_fn, &s), 0);
    sleep_ns(BLOCK_NS);
    assert_int_equal(atomic_load(&s.returned), 0);
    assert_int_equal(chan_len(c), 0);
    int v = 0;
    assert_true(chan_recv(c, &v));
    assert_int_equal(v, 77);
    assert_true(wait_at_least(&s.returned, 1, PROMPT_NS));
    chan_free(c);
}

/* A send on a full buffer blocks until a receive makes room, and the
 * blocked value then comes out after the buffered ones. */
static void test_buffered_send_blocks_when_full(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 2);
    assert_non_null(c);
    int v0 = 10, v1 = 11;
    assert_true(chan_try_send(c, &v0));
    assert_true(chan_try_send(c, &v1));
    int v2 = 12;
    assert_false(chan_try_send(c, &v2));
    struct flag_sender s = {.c = c, .value = 12};
    assert_int_equal(go(flag_send_fn, &s), 0);
    sleep_ns(BLOCK_NS);
    assert_int_equal(atomic_load(&s.returned), 0);
    assert_int_equal(chan_len(c), 2);
    int out = -1;
    assert_true(chan_recv(c, &out));
    assert_int_equal(out, 10);
    assert_true(wait_at_least(&s.returned, 1, PROMPT_NS));
    assert_int_equal(chan_len(c), 2);
    assert_true(chan_recv(c, &out));
    assert_int_equal(out, 11);
    assert_true(chan_recv(c, &out));
    assert_int_equal(out, 12);
    assert_int_equal(chan_try_recv(c, &out), CHAN_EMPTY);
    chan_free(c);
}

/* A receive on an empty channel blocks until a send. */
static void check_recv_blocks_when_empty(size_t cap)
{
    chan_t *c = chan_make(sizeof(int), cap);
    assert_non_null(c);
    struct late_receiver r = {.c = c, .delay_ns = 0};
    assert_int_equal(go(late_recv_fn, &r), 0);
    assert_true(wait_at_least(&r.about_to_recv, 1, PROMPT_NS));
    sleep_ns(BLOCK_NS);
    assert_int_equal(atomic_load(&r.returned), 0);
    int v = 4242;
    chan_send(c, &v);
    assert_true(wait_at_least(&r.returned, 1, PROMPT_NS));
    assert_true(r.ok);
    assert_int_equal(r.value, 4242);
    chan_free(c);
}

static void test_recv_blocks_when_empty(void **state)
{
    (void)state;
    check_recv_blocks_when_empty(0);
    check_recv_blocks_when_empty(4);
}

/* ------------------------------------------------------------------ */
/* chan_make, len, cap                                                  */
/* ------------------------------------------------------------------ */

static void test_len_cap(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 5);
    assert_non_null(c);
    assert_int_equal(chan_cap(c), 5);
    assert_int_equal(chan_len(c), 0);
    for (int i = 0; i < 5; i++) {
        assert_true(chan_try_send(c, &i));
        assert_int_equal(chan_len(c), (size_t)i + 1);
    }
    assert_int_equal(chan_cap(c), 5);
    int out;
    assert_true(chan_recv(c, &out));
    assert_int_equal(chan_len(c), 4);
    chan_close(c);
    /* Buffered values still count after close. */
    assert_int_equal(chan_len(c), 4);
    assert_int_equal(chan_cap(c), 5);
    while (chan_recv(c, &out))
        ;
    assert_int_equal(chan_len(c), 0);
    chan_free(c);

    chan_t *u = chan_make(sizeof(int), 0);
    assert_non_null(u);
    assert_int_equal(chan_cap(u), 0);
    assert_int_equal(chan_len(u), 0);
    chan_free(u);

    assert_int_equal(chan_cap(NULL), 0);
    assert_int_equal(chan_len(NULL), 0);
}

static void test_make_overflow(void **state)
{
    (void)state;
    errno = 0;
    assert_null(chan_make(SIZE_MAX / 2, 4));
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_null(chan_make(4, SIZE_MAX / 2 + 1));
    assert_int_equal(errno, EINVAL);
    /* No overflow, but no memory either: 4 EiB of buffer. */
    errno = 0;
    assert_null(chan_make(1, (size_t)1 << 62));
    assert_int_equal(errno, ENOMEM);
}

/* ------------------------------------------------------------------ */
/* close                                                                */
/* ------------------------------------------------------------------ */

enum { CLOSE_WAITERS = 8 };

struct close_waiter {
    chan_t *c;
    atomic_int *started;
    atomic_int *returned;
    bool ok;
    uint64_t value;
};

static void close_wait_fn(void *arg)
{
    struct close_waiter *w = arg;
    w->value = UINT64_C(0xA5A5A5A5A5A5A5A5);
    atomic_fetch_add(w->started, 1);
    w->ok = chan_recv(w->c, &w->value);
    atomic_fetch_add(w->returned, 1);
}

/* Closing a channel wakes every blocked receiver: each returns false with
 * its out value zeroed. */
static void check_close_wakes_all(size_t cap)
{
    chan_t *c = chan_make(sizeof(uint64_t), cap);
    assert_non_null(c);
    atomic_int started = 0, returned = 0;
    struct close_waiter w[CLOSE_WAITERS];
    for (int i = 0; i < CLOSE_WAITERS; i++) {
        w[i] = (struct close_waiter){.c = c, .started = &started, .returned = &returned};
        assert_int_equal(go(close_wait_fn, &w[i]), 0);
    }
    assert_true(wait_at_least(&started, CLOSE_WAITERS, PROMPT_NS));
    sleep_ns(BLOCK_NS);
    assert_int_equal(atomic_load(&returned), 0);
    chan_close(c);
    assert_true(wait_at_least(&returned, CLOSE_WAITERS, PROMPT_NS));
    for (int i = 0; i < CLOSE_WAITERS; i++) {
        assert_false(w[i].ok);
        assert_int_equal(w[i].value, 0);
    }
    chan_free(c);
}

static void test_close_wakes_all_receivers(void **state)
{
    (void)state;
    check_close_wakes_all(0);
    check_close_wakes_all(3);
}

/* After close, buffered values are received first (ok true), then every
 * receive returns false at once with the output zeroed. */
static void test_close_drains_buffer_first(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 4);
    assert_non_null(c);
    for (int i = 1; i <= 3; i++)
        chan_send(c, &i);
    chan_close(c);
    for (int i = 1; i <= 3; i++) {
        int v = -1;
        assert_true(chan_recv(c, &v));
        assert_int_equal(v, i);
    }
    for (int k = 0; k < 3; k++) {
        int v = -1;
        assert_false(chan_recv(c, &v));
        assert_int_equal(v, 0);
    }
    assert_false(chan_recv(c, NULL));
    chan_free(c);

    /* The same through chan_try_recv. */
    c = chan_make(sizeof(int), 4);
    assert_non_null(c);
    int a = 5, b = 6;
    chan_send(c, &a);
    chan_send(c, &b);
    chan_close(c);
    int v = -1;
    assert_int_equal(chan_try_recv(c, &v), CHAN_OK);
    assert_int_equal(v, 5);
    assert_int_equal(chan_try_recv(c, &v), CHAN_OK);
    assert_int_equal(v, 6);
    v = -1;
    assert_int_equal(chan_try_recv(c, &v), CHAN_CLOSED);
    assert_int_equal(v, 0);
    assert_int_equal(chan_try_recv(c, NULL), CHAN_CLOSED);
    chan_free(c);
}

/* A closed unbuffered channel: receives return false at once. */
static void test_close_unbuffered_recv(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 0);
    assert_non_null(c);
    chan_close(c);
    int v = -1;
    int64_t t0 = gochan_now();
    assert_false(chan_recv(c, &v));
    assert_true(gochan_now() - t0 < BLOCK_NS);
    assert_int_equal(v, 0);
    chan_free(c);
}

/* ------------------------------------------------------------------ */
/* try_send / try_recv                                                  */
/* ------------------------------------------------------------------ */

static void test_try_buffered(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 2);
    assert_non_null(c);
    int v = -1;
    assert_int_equal(chan_try_recv(c, &v), CHAN_EMPTY);
    assert_int_equal(v, -1); /* untouched when nothing was received */
    int a = 1, b = 2, d = 3;
    assert_true(chan_try_send(c, &a));
    assert_true(chan_try_send(c, &b));
    assert_false(chan_try_send(c, &d));
    assert_int_equal(chan_len(c), 2);
    assert_int_equal(chan_try_recv(c, &v), CHAN_OK);
    assert_int_equal(v, 1);
    assert_int_equal(chan_try_recv(c, &v), CHAN_OK);
    assert_int_equal(v, 2);
    assert_int_equal(chan_try_recv(c, &v), CHAN_EMPTY);
    assert_int_equal(chan_len(c), 0);
    chan_free(c);
}

struct plain_receiver {
    chan_t *c;
    atomic_int returned;
    bool ok;
    int value;
};

static void plain_recv_fn(void *arg)
{
    struct plain_receiver *r = arg;
    r->ok = chan_recv(r->c, &r->value);
    atomic_store(&r->returned, 1);
}

/* On an unbuffered channel a try succeeds exactly when a partner is
 * blocked on the other side. */
static void test_try_unbuffered(void **state)
{
    (void)state;
    chan_t *c = chan_make(sizeof(int), 0);
    assert_non_null(c);
    int v = 5;
    assert_false(chan_try_send(c, &v));
    assert_int_equal(chan_try_recv(c, &v), CHAN_EMPTY);

    /* A blocked receiver takes a try_send. */
    struct plain_receiver r = {.c = c};
    assert_int_equal(go(plain_recv_fn, &r), 0);
    int64_t end = gochan_now() + PROMPT_NS;
    int sent = 31337;
    bool delivered = false;
    while (!delivered && gochan_now() < end) {
        delivered = chan_try_send(c, &sent);
        if (!delivered)
            sleep_ns(MS / 10);
    }
    assert_true(delivered);
    assert_true(wait_at_least(&r.returned, 1, PROMPT_NS));
    assert_true(r.ok);
    assert_int_equal(r.value, 31337);

    /* A blocked sender gives its value to try_recv. */
    struct flag_sender s = {.c = c, .value = 2718};
    assert_int_equal(go(flag_send_fn, &s), 0);
    end = gochan_now() + PROMPT_NS;
    int got = -1, rc = CHAN_EMPTY;
    while (rc == CHAN_EMPTY && gochan_now() < end) {
        rc = chan_try_recv(c, &got);
        if (rc == CHAN_EMPTY)
            sleep_ns(MS / 10);
    }
    assert_int_equal(rc, CHAN_OK);
    assert_int_equal(got, 2718);
    assert_true(wait_at_least(&s.returned, 1, PROMPT_NS));

    chan_close(c);
    got = -1;
    assert_int_equal(chan_try_recv(c, &got), CHAN_CLOSED);
    assert_int_equal(got, 0);
    chan_free(c);
}

static void test_try_nil(void **state)
{
    (void)state;
    int v = 8;
    assert_false(chan_try_send(NULL, &v));
    assert_int_equal(chan_try_recv(NULL, &v), CHAN_EMPTY);
    assert_int_equal(v, 8);
    assert_int_equal(chan_try_recv(NULL, NULL), CHAN_EMPTY);
}

/* ------------------------------------------------------------------ */
/* Element sizes                                                        */
/* ------------------------------------------------------------------ */

/* elem_size 0 (Go's chan struct{}): counts, blocks and closes like any
 * other channel. */
static void test_zero_size_elements(void **state)
{
    (void)state;
    char dummy = 0;
    chan_t *c = chan_make(0, 3);
    assert_non_null(c);
    assert_int_equal(chan_cap(c), 3);
    for (int i = 0; i < 3; i++)
        assert_true(chan_try_send(c, &dummy));
    assert_false(chan_try_send(c, &dummy));
    assert_int_equal(chan_len(c), 3);
    assert_true(chan_recv(c, NULL));
    assert_true(chan_recv(c, &dummy));
    assert_int_equal(chan_try_recv(c, NULL), CHAN_OK);
    assert_int_equal(chan_try_recv(c, NULL), CHAN_EMPTY);
    assert_int_equal(chan_len(c), 0);
    chan_send(c, &dummy);
    chan_close(c);
    assert_true(chan_recv(c, NULL));
    assert_false(chan_recv(c, NULL));
    assert_int_equal(chan_try_recv(c, NULL), CHAN_CLOSED);
    chan_free(c);

    /* Unbuffered struct{}: a pure rendezvous. */
    chan_t *u = chan_make(0, 0);
    assert_non_null(u);
    struct late_receiver r = {.c = u, .delay_ns = BLOCK_NS};
    assert_int_equal(go(late_recv_fn, &r), 0);
    chan_send(u, &dummy);
    assert_int_equal(atomic_load(&r.about_to_recv), 1);
    assert_true(wait_at_least(&r.returned, 1, PROMPT_NS));
    assert_true(r.ok);
    chan_free(u);
}

enum { BIG_SIZE = 1024, BIG_N = 2000 };

struct big {
    uint32_t seq;
    unsigned char bytes[BIG_SIZE - sizeof(uint32_t)];
};

static void big_fill(struct big *b, uint32_t seq)
{
    b->seq = seq;
    for (size_t i = 0; i < sizeof b->bytes; i++)
        b->bytes[i] = (unsigned char)(seq * 31u + i * 7u);
}

static bool big_check(const struct big *b, uint32_t seq)
{
    if (b->seq != seq)
        return false;
    for (size_t i = 0; i < sizeof b->bytes; i++)
        if (b->bytes[i] != (unsigned char)(seq * 31u + i * 7u))
            return false;
    return true;
}

struct big_sender {
    chan_t *c;
    atomic_int done;
};

static void big_send_fn(void *arg)
{
    struct big_sender *s = arg;
    struct big b;
    for (uint32_t i = 0; i < BIG_N; i++) {
        big_fill(&b, i);
        chan_send(s->c, &b);
        memset(&b, 0xFF, sizeof b); /* the channel must have copied it */
    }
    atomic_store(&s->done, 1);
}

/* 1 KiB elements are copied whole, in order, buffered and unbuffered. */
static void check_big(size_t cap)
{
    assert_int_equal(sizeof(struct big), BIG_SIZE);
    chan_t *c = chan_make(sizeof(struct big), cap);
    assert_non_null(c);
    struct big_sender s = {.c = c};
    assert_int_equal(go(big_send_fn, &s), 0);
    int bad = 0;
    static struct big b;
    for (uint32_t i = 0; i < BIG_N; i++) {
        memset(&b, 0, sizeof b);
        assert_true(chan_recv(c, &b));
        if (!big_check(&b, i))
            bad++;
    }
    assert_int_equal(bad, 0);
    assert_true(wait_at_least(&s.done, 1, PROMPT_NS));
    chan_close(c);
    memset(&b, 0xEE, sizeof b);
    assert_false(chan_recv(c, &b));
    static const struct big zero;
    assert_memory_equal(&b, &zero, sizeof b);
    chan_free(c);
}

static void test_large_elements(void **state)
{
    (void)state;
    check_big(4);
    check_big(0);
}

/* ------------------------------------------------------------------ */
/* Many senders, many receivers                                         */
/* ------------------------------------------------------------------ */

enum { MP_SENDERS = 8, MP_RECEIVERS = 8, MP_PER_SENDER = 100000 };
#define MP_TOTAL ((uint32_t)MP_SENDERS * MP_PER_SENDER)

static atomic_uchar mp_count[MP_SENDERS * MP_PER_SENDER];

struct mp_shared {
    chan_t *c;
    uint32_t per_sender;
    atomic_int senders_done;
    atomic_int receivers_done;
};

struct mp_sender {
    struct mp_shared *sh;
    uint32_t id;
};

struct mp_receiver {
    struct mp_shared *sh;
    uint64_t received;
    uint64_t sum;
    uint64_t order_errors; /* a sender's values seen out of order */
};

static void mp_send_fn(void *arg)
{
    struct mp_sender *s = arg;
    uint32_t base = s->id * s->sh->per_sender;
    for (uint32_t i = 0; i < s->sh->per_sender; i++) {
        uint32_t v = base + i;
        chan_send(s->sh->c, &v);
    }
    atomic_fetch_add(&s->sh->senders_done, 1);
}

static void mp_recv_fn(void *arg)
{
    struct mp_receiver *r = arg;
    int64_t last[MP_SENDERS];
    for (int i = 0; i < MP_SENDERS; i++)
        last[i] = -1;
    uint32_t v;
    while (chan_recv(r->sh->c, &v)) {
        r->received++;
        r->sum += v;
        if (v < MP_TOTAL) {
            atomic_fetch_add(&mp_count[v], 1);
            /* FIFO: one sender's values leave the channel in the order
             * they entered it, so each receiver sees them increasing. */
            uint32_t from = v / r->sh->per_sender;
            if ((int64_t)v <= last[from])
                r->order_errors++;
            last[from] = v;
        }
    }
    atomic_fetch_add(&r->sh->receivers_done, 1);
}

/* Every value is delivered exactly once: per-value counts, a checksum and
 * the total, with 8 senders and 8 receivers. */
static void check_mpmc(size_t cap, uint32_t per_sender)
{
    for (size_t i = 0; i < MP_TOTAL; i++)
        atomic_store(&mp_count[i], 0);
    struct mp_shared sh = {.c = chan_make(sizeof(uint32_t), cap), .per_sender = per_sender};
    assert_non_null(sh.c);
    struct mp_sender s[MP_SENDERS];
    struct mp_receiver r[MP_RECEIVERS];
    for (int i = 0; i < MP_RECEIVERS; i++) {
        r[i] = (struct mp_receiver){.sh = &sh};
        assert_int_equal(go(mp_recv_fn, &r[i]), 0);
    }
    for (int i = 0; i < MP_SENDERS; i++) {
        s[i] = (struct mp_sender){.sh = &sh, .id = (uint32_t)i};
        assert_int_equal(go(mp_send_fn, &s[i]), 0);
    }
    assert_true(wait_at_least(&sh.senders_done, MP_SENDERS, 60000 * MS));
    chan_close(sh.c);
    assert_true(wait_at_least(&sh.receivers_done, MP_RECEIVERS, PROMPT_NS));

    uint64_t n = (uint64_t)MP_SENDERS * per_sender;
    uint64_t received = 0, sum = 0, order_errors = 0;
    for (int i = 0; i < MP_RECEIVERS; i++) {
        received += r[i].received;
        sum += r[i].sum;
        order_errors += r[i].order_errors;
    }
    assert_int_equal(received, n);
    assert_int_equal(sum, n * (n - 1) / 2);
    assert_int_equal(order_errors, 0);
    uint64_t wrong = 0;
    for (uint64_t i = 0; i < n; i++)
        if (atomic_load(&mp_count[i]) != 1)
            wrong++;
    assert_int_equal(wrong, 0);
    chan_free(sh.c);
}

static void test_mpmc_buffered_exactly_once(void **state)
{
    (void)state;
    check_mpmc(64, MP_PER_SENDER);
}

static void test_mpmc_unbuffered_exactly_once(void **state)
{
    (void)state;
    check_mpmc(0, MP_PER_SENDER / 10);
}

/* ------------------------------------------------------------------ */
/* Nil channels                                                         */
/* ------------------------------------------------------------------ */

/* These goroutines block forever: their state is static (it must outlive
 * the test) and nobody joins them; the process exits with them blocked. */
static atomic_int nil_recv_returned, nil_send_returned, nil_recv_started, nil_send_started;

static void nil_recv_fn(void *arg)
{
    (void)arg;
    int v;
    atomic_store(&nil_recv_started, 1);
    chan_recv(NULL, &v);
    atomic_store(&nil_recv_returned, 1);
}

static void nil_send_fn(void *arg)
{
    (void)arg;
    int v = 1;
    atomic_store(&nil_send_started, 1);
    chan_send(NULL, &v);
    atomic_store(&nil_send_returned, 1);
}

static void test_nil_channel_blocks_forever(void **state)
{
    (void)state;
    assert_int_equal(go(nil_recv_fn, NULL), 0);
    assert_int_equal(go(nil_send_fn, NULL), 0);
    assert_true(wait_at_least(&nil_recv_started, 1, PROMPT_NS));
    assert_true(wait_at_least(&nil_send_started, 1, PROMPT_NS));
    sleep_ns(BLOCK_NS);
    assert_int_equal(atomic_load(&nil_recv_returned), 0);
    assert_int_equal(atomic_load(&nil_send_returned), 0);
}

/* ------------------------------------------------------------------ */
/* chan_free                                                            */
/* ------------------------------------------------------------------ */

static void test_chan_free(void **state)
{
    (void)state;
    chan_free(NULL);
    /* With values still buffered, open or closed. */
    chan_t *c = chan_make(sizeof(int), 8);
    assert_non_null(c);
    for (int i = 0; i < 5; i++)
        chan_send(c, &i);
    chan_free(c);
    c = chan_make(sizeof(int), 8);
    assert_non_null(c);
    for (int i = 0; i < 5; i++)
        chan_send(c, &i);
    chan_close(c);
    chan_free(c);
    /* Many channels made and freed: no state is shared between them. */
    for (int i = 0; i < 1000; i++) {
        chan_t *a = chan_make(sizeof(int), (size_t)i % 4);
        chan_t *b = chan_make(sizeof(int), 1);
        assert_non_null(a);
        assert_non_null(b);
        assert_true(chan_try_send(b, &i));
        int v = -1;
        assert_int_equal(chan_try_recv(a, &v), CHAN_EMPTY);
        assert_int_equal(chan_try_recv(b, &v), CHAN_OK);
        assert_int_equal(v, i);
        chan_free(a);
        chan_free(b);
    }
}

int main(void)
{
    alarm(WATCHDOG_S);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_buffered_single),
        cmocka_unit_test(test_fifo_buffered_concurrent),
        cmocka_unit_test(test_fifo_unbuffered_concurrent),
        cmocka_unit_test(test_unbuffered_send_waits_for_receiver),
        cmocka_unit_test(test_unbuffered_send_blocks_without_receiver),
        cmocka_unit_test(test_buffered_send_blocks_when_full),
        cmocka_unit_test(test_recv_blocks_when_empty),
        cmocka_unit_test(test_len_cap),
        cmocka_unit_test(test_make_overflow),
        cmocka_unit_test(test_close_wakes_all_receivers),
        cmocka_unit_test(test_close_drains_buffer_first),
        cmocka_unit_test(test_close_unbuffered_recv),
        cmocka_unit_test(test_try_buffered),
        cmocka_unit_test(test_try_unbuffered),
        cmocka_unit_test(test_try_nil),
        cmocka_unit_test(test_zero_size_elements),
        cmocka_unit_test(test_large_elements),
        cmocka_unit_test(test_mpmc_buffered_exactly_once),
        cmocka_unit_test(test_mpmc_unbuffered_exactly_once),
        cmocka_unit_test(test_nil_channel_blocks_forever),
        cmocka_unit_test(test_chan_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
