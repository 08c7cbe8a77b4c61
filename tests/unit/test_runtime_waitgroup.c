/*
 * test_runtime_waitgroup.c: libgochan's WaitGroup (runtime/src/waitgroup.c).
 *
 * wait returns exactly when the counter reaches zero (not before), at once
 * when it is zero, releases every waiter, survives add/done from many
 * goroutines at once and reuse after a wait.
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
/* Wait returns when the counter reaches zero                           */
/* ------------------------------------------------------------------ */

struct staggered {
    waitgroup_t *wg;
    int64_t delay_ns;
    atomic_int *finished;
};

static void staggered_fn(void *arg)
{
    struct staggered *s = arg;
    sleep_ns(s->delay_ns);
    atomic_fetch_add(s->finished, 1);
    waitgroup_done(s->wg);
}

/* Three workers finish at 10, 30 and 50 ms: wait returns only after the
 * last one's done, with all three finished. */
static void test_wait_until_zero(void **state)
{
    (void)state;
    /* Static: the last waitgroup_done may still be returning when wait
     * has returned, and this frame is gone. */
    static waitgroup_t wg;
    static atomic_int finished;
    static struct staggered s[3];
    wg = (waitgroup_t)WAITGROUP_INIT;
    atomic_store(&finished, 0);
    waitgroup_add(&wg, 3);
    int64_t t0 = gochan_now();
    for (int i = 0; i < 3; i++) {
        s[i] = (struct staggered){.wg = &wg, .delay_ns = (10 + 20 * i) * MS, .finished = &finished};
        assert_int_equal(go(staggered_fn, &s[i]), 0);
    }
    waitgroup_wait(&wg);
    assert_int_equal(atomic_load(&finished), 3);
    assert_true(gochan_now() - t0 >= 50 * MS);
}

/* A counter that is zero (never used, zero-filled, or back at zero) does
 * not block. */
static void test_wait_zero_immediate(void **state)
{
    (void)state;
    int64_t t0 = gochan_now();
    waitgroup_t a = WAITGROUP_INIT;
    waitgroup_wait(&a);
    waitgroup_t b;
    memset(&b, 0, sizeof b);
    waitgroup_wait(&b);
    waitgroup_t c = WAITGROUP_INIT;
    waitgroup_add(&c, 5);
    waitgroup_add(&c, -5);
    waitgroup_wait(&c);
    waitgroup_add(&c, 1);
    waitgroup_done(&c);
    waitgroup_wait(&c);
    waitgroup_wait(&c);
    assert_true(gochan_now() - t0 < BLOCK_NS);
}

/* ------------------------------------------------------------------ */
/* Many waiters                                                         */
/* ------------------------------------------------------------------ */

enum { WAITERS = 16 };

struct waiter {
    waitgroup_t *wg;
    atomic_int *started, *released;
};

static void waiter_fn(void *arg)
{
    struct waiter *w = arg;
    atomic_fetch_add(w->started, 1);
    waitgroup_wait(w->wg);
    atomic_fetch_add(w->released, 1);
}

/* 16 goroutines wait on one WaitGroup; none returns while the counter is
 * positive, all return once it reaches zero, whether by done or by a
 * negative add. */
static void check_many_waiters(bool by_done)
{
    waitgroup_t wg = WAITGROUP_INIT;
    atomic_int started = 0, released = 0;
    struct waiter w[WAITERS];
    waitgroup_add(&wg, by_done ? 2 : 7);
    for (int i = 0; i < WAITERS; i++) {
        w[i] = (struct waiter){.wg = &wg, .started = &started, .released = &released};
        assert_int_equal(go(waiter_fn, &w[i]), 0);
    }
    assert_true(wait_at_least(&started, WAITERS, PROMPT_NS));
    sleep_ns(BLOCK_NS);
    assert_int_equal(atomic_load(&released), 0);
    if (by_done) {
        waitgroup_done(&wg);
        /* Still one to go: nobody is released yet. */
        sleep_ns(BLOCK_NS);
        assert_int_equal(atomic_load(&released), 0);
        waitgroup_done(&wg);
    } else {
        waitgroup_add(&wg, -7);
    }
    assert_true(wait_at_least(&released, WAITERS, PROMPT_NS));
    /* The WaitGroup may go out of scope only once nobody uses it: wait for
     * the last waiter's increment, which follows its wait's return. */
}

static void test_many_waiters_released(void **state)
{
    (void)state;
    check_many_waiters(true);
    check_many_waiters(false);
}

/* ------------------------------------------------------------------ */
/* add/done from many goroutines                                        */
/* ------------------------------------------------------------------ */

enum { ADDERS = 8, ADD_ROUNDS = 20000 };

struct adder {
    waitgroup_t *wg;
    atomic_long *work;
};

static void leaf_fn(void *arg)
{
    struct adder *a = arg;
    atomic_fetch_add(a->work, 1);
    waitgroup_done(a->wg);
}

/* Each adder: add(1)/done() pairs in a tight loop (the counter goes up and
 * down concurrently with the others), then starts a few leaf goroutines,
 * add(1) before each go() as Go requires, and finally its own done(). */
static void adder_fn(void *arg)
{
    struct adder *a = arg;
    for (int i = 0; i < ADD_ROUNDS; i++) {
        waitgroup_add(a->wg, 1);
        atomic_fetch_add(a->work, 1);
        waitgroup_done(a->wg);
    }
    for (int i = 0; i < 10; i++) {
        waitgroup_add(a->wg, 1);
        if (go(leaf_fn, a) != 0)
            waitgroup_done(a->wg);
    }
    waitgroup_done(a->wg);
}

static void test_add_done_many_goroutines(void **state)
{
    (void)state;
    static waitgroup_t wg;
    static atomic_long work;
    static struct adder a = {.wg = &wg, .work = &work};
    wg = (waitgroup_t)WAITGROUP_INIT;
    atomic_store(&work, 0);
    waitgroup_add(&wg, ADDERS);
    for (int i = 0; i < ADDERS; i++)
        assert_int_equal(go(adder_fn, &a), 0);
    waitgroup_wait(&wg);
    /* Wait returned only after every add/done pair and every leaf. */
    assert_int_equal(atomic_load(&work), (long)ADDERS * (ADD_ROUNDS + 10));
}

/* N workers, each done once; the waiter sees all their writes. */
struct worker {
    waitgroup_t *wg;
    int index;
    int result;
};

static void worker_fn(void *arg)
{
    struct worker *w = arg;
    w->result = w->index * w->index;
    waitgroup_done(w->wg);
}

static void test_wait_sees_workers_results(void **state)
{
    (void)state;
    enum { N = 200 };
    static struct worker w[N];
    static waitgroup_t wg;
    wg = (waitgroup_t)WAITGROUP_INIT;
    waitgroup_add(&wg, N);
    for (int i = 0; i < N; i++) {
        w[i] = (struct worker){.wg = &wg, .index = i, .result = -1};
        assert_int_equal(go(worker_fn, &w[i]), 0);
    }
    waitgroup_wait(&wg);
    for (int i = 0; i < N; i++)
        assert_int_equal(w[i].result, i * i);
}

/* ------------------------------------------------------------------ */
/* Reuse                                                                */
/* ------------------------------------------------------------------ */

struct round {
    waitgroup_t *wg;
    atomic_int *count;
};

static void round_fn(void *arg)
{
    struct round *r = arg;
    atomic_fetch_add(r->count, 1);
    waitgroup_done(r->wg);
}

/* One WaitGroup reused for 200 rounds of 4 goroutines: each wait returns
 * after that round's four, never early because of an earlier round. */
static void test_reuse_after_wait(void **state)
{
    (void)state;
    static waitgroup_t wg;
    static atomic_int count;
    static struct round r = {.wg = &wg, .count = &count};
    wg = (waitgroup_t)WAITGROUP_INIT;
    atomic_store(&count, 0);
    int wrong = 0;
    for (int round = 1; round <= 200; round++) {
        waitgroup_add(&wg, 4);
        for (int i = 0; i < 4; i++)
            assert_int_equal(go(round_fn, &r), 0);
        waitgroup_wait(&wg);
        if (atomic_load(&count) != round * 4)
            wrong++;
    }
    assert_int_equal(wrong, 0);
}

int main(void)
{
    alarm(WATCHDOG_S);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_until_zero),
        cmocka_unit_test(test_wait_zero_immediate),
        cmocka_unit_test(test_many_waiters_released),
        cmocka_unit_test(test_add_done_many_goroutines),
        cmocka_unit_test(test_wait_sees_workers_results),
        cmocka_unit_test(test_reuse_after_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
