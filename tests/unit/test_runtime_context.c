/*
 * test_runtime_context.c: libgochan's contexts (runtime/src/context.c).
 *
 * Cancellation reaches children and grandchildren (through value contexts
 * too) and never goes up; deadlines fire within 10 ms and never early, with
 * CONTEXT_DEADLINE_EXCEEDED; deadlines are inherited as the minimum; values
 * are found in the nearest context, through cancel contexts, by pointer;
 * Background and TODO are never done; a child of a done parent is done at
 * once; release cancels and frees; children registered while the parent is
 * being cancelled are not missed.
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

#define HOUR (INT64_C(3600) * 1000 * MS)
/* gochan.h: a deadline cancels its context within 10 ms. */
#define LATE_NS timing_late_ns()

/* ctx is done: its done channel is closed (a receive returns false at
 * once) and its error is err. */
static void assert_done(context_t *ctx, int err)
{
    chan_t *d = context_done(ctx);
    assert_non_null(d);
    assert_int_equal(chan_try_recv(d, NULL), CHAN_CLOSED);
    assert_false(chan_recv(d, NULL));
    assert_int_equal(context_err(ctx), err);
}

/* ctx can be done but is not yet. */
static void assert_not_done(context_t *ctx)
{
    chan_t *d = context_done(ctx);
    assert_non_null(d);
    assert_int_equal(chan_try_recv(d, NULL), CHAN_EMPTY);
    assert_int_equal(context_err(ctx), 0);
}

static const char key_a = 'a', key_b = 'b', key_c = 'c';

/* ------------------------------------------------------------------ */
/* Background and TODO                                                  */
/* ------------------------------------------------------------------ */

static void test_background_todo(void **state)
{
    (void)state;
    context_t *roots[] = {context_background(), context_todo()};
    assert_ptr_equal(context_background(), roots[0]);
    assert_ptr_equal(context_todo(), roots[1]);
    for (int i = 0; i < 2; i++) {
        context_t *r = roots[i];
        assert_non_null(r);
        assert_null(context_done(r));
        assert_int_equal(context_err(r), 0);
        assert_int_equal(context_deadline(r), INT64_MAX);
        assert_null(context_value(r, &key_a));
        context_cancel(r);
        context_release(r);
        assert_int_equal(context_err(r), 0);
        assert_null(context_done(r));

        /* A value context under a root can never be done either. */
        int x = 1;
        context_t *v = context_with_value(r, &key_a, &x);
        assert_non_null(v);
        assert_null(context_done(v));
        assert_int_equal(context_err(v), 0);
        assert_int_equal(context_deadline(v), INT64_MAX);
        assert_ptr_equal(context_value(v, &key_a), &x);
        context_release(v);

        /* A cancel context under a root has no deadline. */
        context_t *c = context_with_cancel(r);
        assert_non_null(c);
        assert_not_done(c);
        assert_ptr_equal(context_done(c), context_done(c));
        assert_int_equal(context_deadline(c), INT64_MAX);
        context_release(c);
    }
}

/* ------------------------------------------------------------------ */
/* Cancellation                                                         */
/* ------------------------------------------------------------------ */

struct done_waiter {
    context_t *ctx;
    chan_t *done;
    atomic_int started, returned;
    bool ok;
};

static void done_wait_fn(void *arg)
{
    struct done_waiter *w = arg;
    atomic_store(&w->started, 1);
    w->ok = chan_recv(w->done, NULL);
    atomic_store(&w->returned, 1);
}

/* root -> child -> grand, root -> timed, child -> value -> under_value:
 * cancelling root closes every done channel with CONTEXT_CANCELED and
 * wakes a goroutine blocked on the grandchild's. */
static void test_cancel_propagates(void **state)
{
    (void)state;
    int x = 5;
    context_t *root = context_with_cancel(context_background());
    assert_non_null(root);
    context_t *child = context_with_cancel(root);
    context_t *grand = context_with_cancel(child);
    context_t *timed = context_with_timeout(root, HOUR);
    context_t *value = context_with_value(child, &key_a, &x);
    context_t *under_value = context_with_cancel(value);
    context_t *all[] = {root, child, grand, timed, value, under_value};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_non_null(all[i]);
        assert_not_done(all[i]);
    }
    struct done_waiter w = {.ctx = grand, .done = context_done(grand), .ok = true};
    assert_int_equal(go(done_wait_fn, &w), 0);
    assert_true(wait_at_least(&w.started, 1, PROMPT_NS));
    sleep_ns(BLOCK_NS);
    assert_int_equal(atomic_load(&w.returned), 0);

    context_cancel(root);
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_done(all[i], CONTEXT_CANCELED);
    assert_true(wait_at_least(&w.returned, 1, PROMPT_NS));
    assert_false(w.ok);

    /* Cancelling again changes nothing. */
    context_cancel(root);
    context_cancel(grand);
    assert_done(root, CONTEXT_CANCELED);
    assert_done(grand, CONTEXT_CANCELED);

    /* Children released before parents here; the reverse order is tested
     * in test_release. */
    for (size_t i = sizeof all / sizeof all[0]; i-- > 0;)
        context_release(all[i]);
}

/* Cancelling a child cancels its subtree only: not its parent, not its
 * sibling. */
static void test_cancel_child_not_parent(void **state)
{
    (void)state;
    context_t *p = context_with_cancel(context_background());
    assert_non_null(p);
    context_t *a = context_with_cancel(p);
    context_t *b = context_with_timeout(p, HOUR);
    context_t *a1 = context_with_cancel(a);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(a1);
    context_cancel(a);
    assert_done(a, CONTEXT_CANCELED);
    assert_done(a1, CONTEXT_CANCELED);
    assert_not_done(p);
    assert_not_done(b);
    /* The parent can still be cancelled, and takes b along. */
    context_cancel(p);
    assert_done(p, CONTEXT_CANCELED);
    assert_done(b, CONTEXT_CANCELED);
    assert_done(a, CONTEXT_CANCELED);
    context_release(a1);
    context_release(a);
    context_release(b);
    context_release(p);
}

/* context_cancel on a value context is a no-op; the value context is
 * cancelled with its parent. */
static void test_cancel_value_context_noop(void **state)
{
    (void)state;
    int x = 1;
    context_t *p = context_with_cancel(context_background());
    context_t *v = context_with_value(p, &key_a, &x);
    context_t *c = context_with_cancel(v);
    assert_non_null(p);
    assert_non_null(v);
    assert_non_null(c);
    context_cancel(v);
    assert_not_done(p);
    assert_not_done(v);
    assert_not_done(c);
    context_cancel(p);
    assert_done(v, CONTEXT_CANCELED);
    assert_done(c, CONTEXT_CANCELED);
    context_release(c);
    context_release(v);
    context_release(p);
}

/* Many goroutines blocked on one done channel are all released. */
static void test_cancel_wakes_all_waiters(void **state)
{
    (void)state;
    enum { N = 16 };
    context_t *ctx = context_with_cancel(context_background());
    assert_non_null(ctx);
    struct done_waiter w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (struct done_waiter){.ctx = ctx, .done = context_done(ctx), .ok = true};
        assert_int_equal(go(done_wait_fn, &w[i]), 0);
    }
    for (int i = 0; i < N; i++)
        assert_true(wait_at_least(&w[i].started, 1, PROMPT_NS));
    sleep_ns(BLOCK_NS);
    for (int i = 0; i < N; i++)
        assert_int_equal(atomic_load(&w[i].returned), 0);
    context_cancel(ctx);
    for (int i = 0; i < N; i++) {
        assert_true(wait_at_least(&w[i].returned, 1, PROMPT_NS));
        assert_false(w[i].ok);
    }
    context_release(ctx);
}

/* ------------------------------------------------------------------ */
/* Deadlines                                                            */
/* ------------------------------------------------------------------ */

/* Polls ctx every 0.2 ms until it is done: it must not be done before
 * deadline, and must be done by deadline + 10 ms, with err. */
static void check_fires_on_time(context_t *ctx, int64_t deadline, int err)
{
    int64_t give_up = deadline + PROMPT_NS;
    for (;;) {
        int e = context_err(ctx);
        int64_t now = gochan_now();
        if (e != 0) {
            /* now was read after e: e was set at or before now. Early if
             * set before the deadline: the earliest it could have been set
             * is unknown, but now < deadline proves it. */
            if (now < deadline)
                fail_msg("done %lld ns before its deadline", (long long)(deadline - now));
            assert_int_equal(e, err);
            break;
        }
        /* e == 0 was read before now: still not done at now. */
        if (now > deadline + LATE_NS)
            fail_msg("not done %lld ns after its deadline", (long long)(now - deadline));
        if (now > give_up)
            break;
        sleep_ns(MS / 5);
    }
    assert_done(ctx, err);
}

static void test_timeout_accuracy(void **state)
{
    (void)state;
    /* Blocking on the done channel. */
    int64_t t0 = gochan_now();
    context_t *ctx = context_with_timeout(context_background(), 30 * MS);
    int64_t t_made = gochan_now();
    assert_non_null(ctx);
    int64_t d = context_deadline(ctx);
    assert_true(d >= t0 + 30 * MS);
    assert_true(d <= t_made + 30 * MS);
    context_t *child = context_with_cancel(ctx);
    assert_non_null(child);
    assert_not_done(ctx);
    assert_false(chan_recv(context_done(ctx), NULL));
    int64_t t1 = gochan_now();
    assert_true(t1 >= d);
    if (t1 - (t0 + 30 * MS) > LATE_NS)
        fail_msg("timeout of 30 ms fired after %lld ns", (long long)(t1 - t0));
    assert_done(ctx, CONTEXT_DEADLINE_EXCEEDED);
    /* The child inherits the parent's reason. */
    assert_done(child, CONTEXT_DEADLINE_EXCEEDED);
    context_release(child);
    context_release(ctx);

    /* Polling context_err. */
    ctx = context_with_timeout(context_background(), 25 * MS);
    assert_non_null(ctx);
    check_fires_on_time(ctx, context_deadline(ctx), CONTEXT_DEADLINE_EXCEEDED);
    context_release(ctx);

    /* An absolute deadline is kept exactly. */
    int64_t deadline = gochan_now() + 20 * MS;
    ctx = context_with_deadline(context_background(), deadline);
    assert_non_null(ctx);
    assert_int_equal(context_deadline(ctx), deadline);
    check_fires_on_time(ctx, deadline, CONTEXT_DEADLINE_EXCEEDED);
    /* Done contexts ignore cancel: the reason stays. */
    context_cancel(ctx);
    assert_int_equal(context_err(ctx), CONTEXT_DEADLINE_EXCEEDED);
    context_release(ctx);

    /* Cancelled before its deadline: CANCELED, and the deadline passing
     * later does not change that. */
    ctx = context_with_timeout(context_background(), 20 * MS);
    assert_non_null(ctx);
    context_cancel(ctx);
    assert_done(ctx, CONTEXT_CANCELED);
    sleep_ns(40 * MS);
    assert_done(ctx, CONTEXT_CANCELED);
    context_release(ctx);
}

/* The deadline of a context is the earliest along its ancestry. */
static void test_deadline_inheritance(void **state)
{
    (void)state;
    int x = 0;
    int64_t now = gochan_now();
    context_t *p = context_with_deadline(context_background(), now + HOUR);
    assert_non_null(p);
    assert_int_equal(context_deadline(p), now + HOUR);
    context_t *later = context_with_deadline(p, now + 2 * HOUR);
    assert_non_null(later);
    assert_int_equal(context_deadline(later), now + HOUR);
    context_t *later_t = context_with_timeout(p, 3 * HOUR);
    assert_non_null(later_t);
    assert_int_equal(context_deadline(later_t), now + HOUR);
    context_t *earlier = context_with_deadline(p, now + HOUR / 2);
    assert_non_null(earlier);
    assert_int_equal(context_deadline(earlier), now + HOUR / 2);
    context_t *v = context_with_value(earlier, &key_a, &x);
    assert_non_null(v);
    assert_int_equal(context_deadline(v), now + HOUR / 2);
    context_t *c = context_with_cancel(v);
    assert_non_null(c);
    assert_int_equal(context_deadline(c), now + HOUR / 2);
    context_t *t = context_with_timeout(c, 2 * HOUR);
    assert_non_null(t);
    assert_int_equal(context_deadline(t), now + HOUR / 2);
    context_release(t);
    context_release(c);
    context_release(v);
    context_release(earlier);
    context_release(later_t);
    context_release(later);
    context_release(p);

    /* The parent's earlier deadline ends a child whose own is later, with
     * DEADLINE_EXCEEDED. */
    int64_t t0 = gochan_now();
    context_t *short_p = context_with_timeout(context_background(), 20 * MS);
    assert_non_null(short_p);
    context_t *long_c = context_with_timeout(short_p, HOUR);
    assert_non_null(long_c);
    assert_int_equal(context_deadline(long_c), context_deadline(short_p));
    assert_false(chan_recv(context_done(long_c), NULL));
    assert_true(gochan_now() - t0 >= 20 * MS);
    assert_done(long_c, CONTEXT_DEADLINE_EXCEEDED);
    assert_done(short_p, CONTEXT_DEADLINE_EXCEEDED);
    context_release(long_c);
    context_release(short_p);

    /* A child's earlier deadline ends the child only. */
    context_t *long_p = context_with_timeout(context_background(), HOUR);
    assert_non_null(long_p);
    context_t *short_c = context_with_timeout(long_p, 20 * MS);
    assert_non_null(short_c);
    check_fires_on_time(short_c, context_deadline(short_c), CONTEXT_DEADLINE_EXCEEDED);
    assert_not_done(long_p);
    context_release(short_c);
    context_release(long_p);
}

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

static void test_values(void **state)
{
    (void)state;
    static char va[] = "a1", vb[] = "b1", va2[] = "a2";
    context_t *v1 = context_with_value(context_background(), &key_a, va);
    context_t *v2 = context_with_value(v1, &key_b, vb);
    context_t *v3 = context_with_value(v2, &key_a, va2);
    assert_non_null(v1);
    assert_non_null(v2);
    assert_non_null(v3);
    /* Nearest wins. */
    assert_ptr_equal(context_value(v3, &key_a), va2);
    assert_ptr_equal(context_value(v3, &key_b), vb);
    assert_ptr_equal(context_value(v2, &key_a), va);
    assert_ptr_equal(context_value(v1, &key_a), va);
    assert_null(context_value(v1, &key_b));
    assert_null(context_value(v3, &key_c));
    /* Keys compare by pointer, not by what they point to. */
    static const char other_a = 'a';
    assert_null(context_value(v3, &other_a));
    assert_null(context_value(v3, NULL));

    /* Found through cancel and timeout contexts, also once cancelled. */
    context_t *c = context_with_cancel(v3);
    context_t *t = context_with_timeout(c, HOUR);
    context_t *v4 = context_with_value(t, &key_b, NULL);
    assert_non_null(c);
    assert_non_null(t);
    assert_non_null(v4);
    assert_ptr_equal(context_value(t, &key_a), va2);
    assert_ptr_equal(context_value(t, &key_b), vb);
    /* A NULL value shadows too. */
    assert_null(context_value(v4, &key_b));
    assert_ptr_equal(context_value(v4, &key_a), va2);
    context_cancel(c);
    assert_ptr_equal(context_value(t, &key_a), va2);
    assert_ptr_equal(context_value(c, &key_b), vb);

    /* Values of a released parent stay reachable through a child. */
    context_t *keep = context_with_cancel(v2);
    assert_non_null(keep);
    context_release(v4);
    context_release(t);
    context_release(c);
    context_release(v3);
    context_release(v2);
    context_release(v1);
    assert_ptr_equal(context_value(keep, &key_b), vb);
    assert_ptr_equal(context_value(keep, &key_a), va);
    context_release(keep);
}

/* ------------------------------------------------------------------ */
/* Children of done parents                                             */
/* ------------------------------------------------------------------ */

static void test_child_of_done_parent(void **state)
{
    (void)state;
    int x = 0;
    context_t *p = context_with_cancel(context_background());
    assert_non_null(p);
    context_cancel(p);
    context_t *kids[] = {
        context_with_cancel(p),
        context_with_timeout(p, HOUR),
        context_with_deadline(p, gochan_now() + HOUR),
        context_with_value(p, &key_a, &x),
    };
    for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++) {
        assert_non_null(kids[i]);
        assert_done(kids[i], CONTEXT_CANCELED);
    }
    context_t *grand = context_with_cancel(kids[3]);
    assert_non_null(grand);
    assert_done(grand, CONTEXT_CANCELED);
    context_release(grand);
    for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++)
        context_release(kids[i]);
    context_release(p);

    /* A parent past its deadline gives children DEADLINE_EXCEEDED. */
    context_t *q = context_with_timeout(context_background(), MS);
    assert_non_null(q);
    assert_false(chan_recv(context_done(q), NULL));
    context_t *qk = context_with_cancel(q);
    assert_non_null(qk);
    assert_done(qk, CONTEXT_DEADLINE_EXCEEDED);
    context_release(qk);
    context_release(q);

    /* A deadline already past, or a timeout <= 0: done at once. */
    int64_t now = gochan_now();
    context_t *past[] = {
        context_with_deadline(context_background(), now - MS),
        context_with_deadline(context_background(), INT64_MIN),
        context_with_timeout(context_background(), 0),
        context_with_timeout(context_background(), -HOUR),
    };
    for (size_t i = 0; i < sizeof past / sizeof past[0]; i++) {
        assert_non_null(past[i]);
        assert_false(chan_recv(context_done(past[i]), NULL));
        assert_true(gochan_now() - now <= LATE_NS);
        assert_done(past[i], CONTEXT_DEADLINE_EXCEEDED);
        context_release(past[i]);
    }
}

/* ------------------------------------------------------------------ */
/* Release                                                              */
/* ------------------------------------------------------------------ */

static void test_release(void **state)
{
    (void)state;
    /* Releasing a parent cancels it and its children; the children stay
     * usable and their done channels valid. */
    context_t *p = context_with_cancel(context_background());
    assert_non_null(p);
    context_t *c = context_with_cancel(p);
    assert_non_null(c);
    struct done_waiter w = {.ctx = c, .done = context_done(c), .ok = true};
    assert_int_equal(go(done_wait_fn, &w), 0);
    assert_true(wait_at_least(&w.started, 1, PROMPT_NS));
    context_release(p);
    assert_true(wait_at_least(&w.returned, 1, PROMPT_NS));
    assert_false(w.ok);
    assert_done(c, CONTEXT_CANCELED);
    context_release(c);

    /* Releasing a child neither cancels nor frees its parent. */
    p = context_with_cancel(context_background());
    assert_non_null(p);
    c = context_with_cancel(p);
    assert_non_null(c);
    context_release(c);
    assert_not_done(p);
    c = context_with_timeout(p, HOUR);
    assert_non_null(c);
    assert_not_done(c);
    context_release(c);
    int x = 0;
    context_t *v = context_with_value(p, &key_a, &x);
    assert_non_null(v);
    context_release(v);
    assert_not_done(p);
    context_release(p);

    /* Released before its timer fires: the timer is cancelled. Released
     * parent with a pending deadline: the child is CANCELED, and stays so
     * when the deadline passes. */
    context_t *t = context_with_timeout(context_background(), 15 * MS);
    assert_non_null(t);
    context_release(t);
    p = context_with_timeout(context_background(), 15 * MS);
    assert_non_null(p);
    c = context_with_cancel(p);
    assert_non_null(c);
    context_release(p);
    assert_done(c, CONTEXT_CANCELED);
    sleep_ns(40 * MS);
    assert_done(c, CONTEXT_CANCELED);
    context_release(c);

    /* Deep chains made and released in both orders. */
    for (int round = 0; round < 200; round++) {
        context_t *chain[8];
        chain[0] = context_with_cancel(context_background());
        for (int i = 1; i < 8; i++) {
            switch (i % 3) {
            case 0:
                chain[i] = context_with_cancel(chain[i - 1]);
                break;
            case 1:
                chain[i] = context_with_timeout(chain[i - 1], HOUR);
                break;
            default:
                chain[i] = context_with_value(chain[i - 1], &key_a, &x);
                break;
            }
        }
        for (int i = 0; i < 8; i++)
            assert_non_null(chain[i]);
        if (round % 2) {
            for (int i = 0; i < 8; i++)
                context_release(chain[i]);
        } else {
            for (int i = 8; i-- > 0;)
                context_release(chain[i]);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Children made while the parent is cancelled                          */
/* ------------------------------------------------------------------ */

enum { MAKERS = 4, MADE_EACH = 500 };

struct maker {
    context_t *parent;
    context_t *made[MADE_EACH];
    atomic_int *progress;
    atomic_int done;
};

static void maker_fn(void *arg)
{
    struct maker *m = arg;
    for (int i = 0; i < MADE_EACH; i++) {
        m->made[i] = i % 2 ? context_with_timeout(m->parent, HOUR)
                           : context_with_cancel(m->parent);
        atomic_fetch_add(m->progress, 1);
    }
    atomic_store(&m->done, 1);
}

/* Four goroutines keep making children of p while main cancels p half-way:
 * every child, made before or after the cancel, ends up cancelled. */
/* Go's `go worker(ctx); defer cancel()`: the worker keeps its own
 * reference, so the creator's release (which cancels) leaves the context
 * usable by the worker, which sees the cancellation and then drops it. */
struct retained_worker {
    context_t *ctx;
    atomic_int saw_cancel;
    atomic_int still_valid;
    atomic_int done;
};

static void retained_fn(void *arg)
{
    struct retained_worker *w = arg;
    chan_recv(context_done(w->ctx), NULL);
    sleep_ns(20 * MS); /* the creator has released its reference by now */
    atomic_store(&w->saw_cancel, context_err(w->ctx) == CONTEXT_CANCELED);
    /* Still a valid context (cmocka asserts only on the test's thread). */
    atomic_store(&w->still_valid, context_value(w->ctx, &w->ctx) == NULL && context_done(w->ctx) != NULL);
    context_drop(w->ctx);
    atomic_store(&w->done, 1);
}

static void test_retain_outlives_release(void **state)
{
    (void)state;
    struct retained_worker w = {.ctx = context_with_cancel(context_background())};
    assert_non_null(w.ctx);
    assert_ptr_equal(context_retain(w.ctx), w.ctx);
    assert_int_equal(go(retained_fn, &w), 0);
    context_release(w.ctx); /* cancels; the worker's reference keeps it alive */
    assert_true(wait_at_least(&w.done, 1, PROMPT_NS));
    assert_int_equal(atomic_load(&w.saw_cancel), 1);
    assert_int_equal(atomic_load(&w.still_valid), 1);
    /* Roots and NULL are accepted and unaffected. */
    assert_ptr_equal(context_retain(context_background()), context_background());
    context_drop(context_background());
    assert_null(context_retain(NULL));
    context_drop(NULL);
}

static void test_concurrent_children_and_cancel(void **state)
{
    (void)state;
    static struct maker m[MAKERS];
    atomic_int progress = 0;
    context_t *p = context_with_cancel(context_background());
    assert_non_null(p);
    for (int i = 0; i < MAKERS; i++) {
        m[i] = (struct maker){.parent = p, .progress = &progress};
        assert_int_equal(go(maker_fn, &m[i]), 0);
    }
    assert_true(wait_at_least(&progress, MAKERS * MADE_EACH / 2, PROMPT_NS));
    context_cancel(p);
    for (int i = 0; i < MAKERS; i++)
        assert_true(wait_at_least(&m[i].done, 1, PROMPT_NS));
    int not_cancelled = 0;
    for (int i = 0; i < MAKERS; i++)
        for (int j = 0; j < MADE_EACH; j++) {
            if (m[i].made[j] == NULL || context_err(m[i].made[j]) != CONTEXT_CANCELED ||
                chan_try_recv(context_done(m[i].made[j]), NULL) != CHAN_CLOSED)
                not_cancelled++;
        }
    assert_int_equal(not_cancelled, 0);
    for (int i = 0; i < MAKERS; i++)
        for (int j = 0; j < MADE_EACH; j++)
            if (m[i].made[j])
                context_release(m[i].made[j]);
    context_release(p);
}

int main(void)
{
    alarm(WATCHDOG_S);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_background_todo),
        cmocka_unit_test(test_cancel_propagates),
        cmocka_unit_test(test_cancel_child_not_parent),
        cmocka_unit_test(test_cancel_value_context_noop),
        cmocka_unit_test(test_cancel_wakes_all_waiters),
        cmocka_unit_test(test_timeout_accuracy),
        cmocka_unit_test(test_deadline_inheritance),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_child_of_done_parent),
        cmocka_unit_test(test_release),
        cmocka_unit_test(test_retain_outlives_release),
        cmocka_unit_test(test_concurrent_children_and_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
