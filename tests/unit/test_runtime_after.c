/*
 * test_runtime_after.c: libgochan's chan_after (Go's time.After).
 *
 * The timer fires after its duration, never before, within 10 ms; it
 * delivers one int64_t monotonic time no earlier than its deadline; timers
 * fire in deadline order whatever their creation order; ns <= 0 fires at
 * once; freeing a channel before (or while) its timer fires is safe; and
 * chan_after works as a select timeout.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gochan.h"
#include "timing.h"

#define US INT64_C(1000)
/* gochan.h promises a timer fires within this much after its deadline. */
#define LATE_NS timing_late_ns()

/* The time the test asserts against is taken before chan_after is called,
 * so the timer's real deadline is at or after t0 + ns: firing earlier than
 * t0 + ns is early for sure, and firing later than t0 + ns + 10 ms is late
 * for sure. Early fails at once; late only three times in a row: a shared
 * machine busy with other jobs may keep any thread off the CPU for longer
 * (the allowance is measured once, before), but not the runtime's timer
 * every time. */
static void check_fires_on_time(int64_t ns)
{
    int64_t t0, t1, v = -1;
    chan_t *c;
    for (int late = 0;; late++) {
        t0 = gochan_now();
        c = chan_after(ns);
        assert_non_null(c);
        assert_int_equal(chan_cap(c), 1);
        assert_true(chan_recv(c, &v));
        t1 = gochan_now();
        if (t1 - t0 < ns)
            fail_msg("chan_after(%lld) fired after only %lld ns", (long long)ns, (long long)(t1 - t0));
        if (t1 - t0 <= ns + LATE_NS)
            break;
        if (late == 2)
            fail_msg("chan_after(%lld) fired %lld ns late, three times in a row", (long long)ns,
                     (long long)(t1 - t0 - ns));
        chan_free(c);
    }
    /* The value is the firing time: at or after the deadline, and not in
     * the receiver's future. */
    assert_true(v >= t0 + ns);
    assert_true(v <= t1);
    /* It fires once: the channel is neither refilled nor closed. */
    assert_int_equal(chan_try_recv(c, &v), CHAN_EMPTY);
    sleep_ns(ns < 20 * MS ? 20 * MS : ns);
    assert_int_equal(chan_try_recv(c, &v), CHAN_EMPTY);
    assert_int_equal(chan_len(c), 0);
    chan_free(c);
}

static void test_after_fires_on_time(void **state)
{
    (void)state;
    check_fires_on_time(1 * MS);
    check_fires_on_time(20 * MS);
    check_fires_on_time(50 * MS);
    check_fires_on_time(300 * US);
}

/* Not before: polled half-way, the channel is still empty. */
static void test_after_not_before(void **state)
{
    (void)state;
    int64_t t0 = gochan_now();
    chan_t *c = chan_after(60 * MS);
    assert_non_null(c);
    int64_t v = -1;
    while (gochan_now() < t0 + 60 * MS) {
        int rc = chan_try_recv(c, &v);
        if (rc != CHAN_EMPTY) {
            int64_t now = gochan_now();
            if (now < t0 + 60 * MS)
                fail_msg("fired %lld ns early", (long long)(t0 + 60 * MS - now));
            break;
        }
        sleep_ns(MS);
    }
    assert_true(chan_recv(c, &v));
    assert_true(v >= t0 + 60 * MS);
    chan_free(c);
}

/* ns <= 0 fires at once. */
static void test_after_zero_and_negative(void **state)
{
    (void)state;
    int64_t durations[] = {0, -1, -1000 * MS, INT64_MIN};
    for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
        int64_t t0 = gochan_now();
        chan_t *c = chan_after(durations[i]);
        assert_non_null(c);
        int64_t v = -1;
        assert_true(chan_recv(c, &v));
        int64_t t1 = gochan_now();
        assert_true(t1 - t0 <= LATE_NS);
        assert_true(v >= t0);
        assert_true(v <= t1);
        chan_free(c);
    }
}

/* Timers created out of order fire in deadline order, each at or after
 * its own deadline. */
static void test_after_deadline_order(void **state)
{
    (void)state;
    const int64_t ns[] = {40 * MS, 10 * MS, 25 * MS, 5 * MS};
    const int expect[] = {3, 1, 2, 0};
    enum { N = 4 };
    chan_t *c[N];
    int64_t t0[N], v[N];
    chan_case cases[N];
    for (int i = 0; i < N; i++) {
        t0[i] = gochan_now();
        c[i] = chan_after(ns[i]);
        assert_non_null(c[i]);
        cases[i] = CHAN_RECV_CASE(c[i], &v[i]);
    }
    for (int k = 0; k < N; k++) {
        int i = chan_select(cases, N, false);
        assert_int_equal(i, expect[k]);
        assert_true(cases[i].ok);
        assert_true(v[i] >= t0[i] + ns[i]);
        cases[i].c = NULL;
    }
    for (int i = 0; i < N; i++)
        chan_free(c[i]);
}

/* Many timers at once, spread over 50 ms: each delivers a time at or after
 * its deadline and none is lost. */
static void test_after_many_timers(void **state)
{
    (void)state;
    enum { N = 1000 };
    static chan_t *c[N];
    static int64_t deadline[N];
    for (int i = 0; i < N; i++) {
        int64_t ns = (int64_t)(i * 7919 % N) * 50 * US;
        deadline[i] = gochan_now() + ns;
        c[i] = chan_after(ns);
        assert_non_null(c[i]);
    }
    int early = 0;
    int64_t start = gochan_now();
    for (int i = 0; i < N; i++) {
        int64_t v = -1;
        assert_true(chan_recv(c[i], &v));
        if (v < deadline[i])
            early++;
        chan_free(c[i]);
    }
    assert_int_equal(early, 0);
    assert_true(gochan_now() - start < 1000 * MS);
}

/* chan_free before the timer fires cancels it; freeing after it fired but
 * before the value is received frees the value; freeing at about the time
 * it fires races with the timer and must still be safe. */
static void test_after_free_before_firing(void **state)
{
    (void)state;
    for (int i = 0; i < 200; i++) {
        chan_t *c = chan_after((5 + i % 40) * MS);
        assert_non_null(c);
        chan_free(c);
    }
    /* Fired (within the test's patience: the machine may be busy), then
     * freed with its value unreceived. */
    chan_t *late = chan_after(1 * MS);
    assert_non_null(late);
    for (int64_t end = gochan_now() + PROMPT_NS; chan_len(late) == 0 && gochan_now() < end;)
        sleep_ns(MS);
    assert_int_equal(chan_len(late), 1);
    chan_free(late);

    unsigned seed = 12345;
    for (int i = 0; i < 2000; i++) {
        chan_t *c = chan_after((int64_t)(rand_r(&seed) % 200) * US);
        assert_non_null(c);
        if (i % 3 == 0)
            sleep_ns((int64_t)(rand_r(&seed) % 200) * US);
        chan_free(c);
    }
    /* The timer machinery still works after all those cancellations, and
     * the freed timers' deadlines (up to 45 ms) have all passed by now. */
    check_fires_on_time(50 * MS);
}

/* ------------------------------------------------------------------ */
/* As a select timeout                                                  */
/* ------------------------------------------------------------------ */

struct delayed_sender {
    chan_t *c;
    int64_t delay_ns;
    int value;
    atomic_int done;
};

static void delayed_send_fn(void *arg)
{
    struct delayed_sender *d = arg;
    sleep_ns(d->delay_ns);
    chan_send(d->c, &d->value);
    atomic_store(&d->done, 1);
}

static void test_after_as_select_timeout(void **state)
{
    (void)state;
    /* Nothing else ready: the timeout case fires after 30 ms. */
    chan_t *never = chan_make(sizeof(int), 0);
    assert_non_null(never);
    int64_t t0 = gochan_now();
    chan_t *timeout = chan_after(30 * MS);
    assert_non_null(timeout);
    int x = -1;
    int64_t when = -1;
    chan_case cases[] = {CHAN_RECV_CASE(never, &x), CHAN_RECV_CASE(timeout, &when)};
    assert_int_equal(chan_select(cases, 2, false), 1);
    int64_t t1 = gochan_now();
    assert_true(cases[1].ok);
    assert_true(t1 - t0 >= 30 * MS);
    assert_true(t1 - t0 <= 30 * MS + LATE_NS);
    assert_true(when >= t0 + 30 * MS);
    assert_int_equal(x, -1);
    chan_free(timeout);

    /* A value arriving first wins; the timer is freed before it fires. */
    struct delayed_sender d = {.c = never, .delay_ns = 10 * MS, .value = 99};
    assert_int_equal(go(delayed_send_fn, &d), 0);
    t0 = gochan_now();
    timeout = chan_after(500 * MS);
    assert_non_null(timeout);
    cases[1].c = timeout;
    assert_int_equal(chan_select(cases, 2, false), 0);
    assert_true(gochan_now() - t0 < 400 * MS);
    assert_true(cases[0].ok);
    assert_int_equal(x, 99);
    assert_int_equal(chan_try_recv(timeout, NULL), CHAN_EMPTY);
    chan_free(timeout);
    assert_true(wait_at_least(&d.done, 1, PROMPT_NS));

    /* A loop of short timeouts, as a polling loop in Go would use. */
    for (int i = 0; i < 20; i++) {
        t0 = gochan_now();
        timeout = chan_after(2 * MS);
        assert_non_null(timeout);
        cases[1].c = timeout;
        assert_int_equal(chan_select(cases, 2, false), 1);
        assert_true(gochan_now() - t0 >= 2 * MS);
        chan_free(timeout);
    }
    chan_free(never);
}

int main(void)
{
    alarm(WATCHDOG_S);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_after_fires_on_time),
        cmocka_unit_test(test_after_not_before),
        cmocka_unit_test(test_after_zero_and_negative),
        cmocka_unit_test(test_after_deadline_order),
        cmocka_unit_test(test_after_many_timers),
        cmocka_unit_test(test_after_free_before_firing),
        cmocka_unit_test(test_after_as_select_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
