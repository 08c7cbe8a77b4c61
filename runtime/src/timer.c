/*
 * timer.c: the timer thread, a min-heap of timers by deadline, and
 * gochan_now.
 *
 * One thread, started at the first gc_timer_start, sleeps in a futex wait
 * with a timeout until the earliest deadline (or until a new earliest
 * timer arrives), then runs the callbacks of the expired timers one at a
 * time, without the timer lock. Its timer slack is set to 1 ns, so timers
 * fire well within a millisecond of their deadline.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

#include "hooks.h"
#include "internal.h"
#include "lock.h"
#include "timer.h"

enum { GC_TIMER_STACK = 256 * 1024 };

static struct {
    gc_lock_t lock;           /* protects all below and each timer's when, heap_index, state */
    struct gc_timer **heap;   /* min-heap by when */
    size_t n, cap;
    bool thread_running;
    bool atfork_registered;
    struct gc_timer *firing;  /* the timer whose callback runs, or NULL */
    uint32_t sync_waiters;    /* threads in gc_timer_sync */
    /* Futex words, changed under the lock. */
    _Atomic uint32_t wake;    /* bumped when the timer thread must re-plan its sleep */
    _Atomic uint32_t fired;   /* bumped after each callback, for gc_timer_sync */
} gc_tm = {.lock = GC_LOCK_INIT};

/* Set on the timer thread: a callback may stop (and sync) its own timer. */
static __thread bool gc_tm_on_timer_thread;

GC_API int64_t gochan_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* The heap (under the lock)                                            */
/* ------------------------------------------------------------------ */

static void gc_heap_set(size_t i, struct gc_timer *t)
{
    gc_tm.heap[i] = t;
    t->heap_index = i;
}

static void gc_heap_up(size_t i)
{
    struct gc_timer *t = gc_tm.heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (gc_tm.heap[parent]->when <= t->when)
            break;
        gc_heap_set(i, gc_tm.heap[parent]);
        i = parent;
    }
    gc_heap_set(i, t);
}

static void gc_heap_down(size_t i)
{
    struct gc_timer *t = gc_tm.heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= gc_tm.n)
            break;
        if (child + 1 < gc_tm.n && gc_tm.heap[child + 1]->when < gc_tm.heap[child]->when)
            child++;
        if (t->when <= gc_tm.heap[child]->when)
            break;
        gc_heap_set(i, gc_tm.heap[child]);
        i = child;
    }
    gc_heap_set(i, t);
}

static void gc_heap_remove(struct gc_timer *t)
{
    size_t i = t->heap_index;
    struct gc_timer *last = gc_tm.heap[--gc_tm.n];
    if (i == gc_tm.n)
        return;
    gc_heap_set(i, last);
    gc_heap_down(i);
    gc_heap_up(last->heap_index);
}

/* ------------------------------------------------------------------ */
/* The timer thread                                                     */
/* ------------------------------------------------------------------ */

static void gc_tm_run_expired(void)
{
    while (gc_tm.n > 0 && gc_tm.heap[0]->when <= gochan_now()) {
        struct gc_timer *t = gc_tm.heap[0];
        gc_heap_remove(t);
        t->state = GC_TIMER_FIRING;
        gc_tm.firing = t;
        gc_unlock(&gc_tm.lock);
        t->fn(t);
        /* After the callback: until it has woken whoever it wakes, the
         * timer still counts as a possible waker. */
        GC_HOOK(timers, -1);
        gc_lock(&gc_tm.lock);
        t->state = GC_TIMER_IDLE;
        gc_tm.firing = NULL;
        atomic_fetch_add_explicit(&gc_tm.fired, 1, memory_order_relaxed);
        /* Under the lock: a syncing thread re-checks t->state under it
         * before freeing t, so t is alive here. */
        if (gc_tm.sync_waiters != 0)
            gc_futex_wake(&gc_tm.fired, INT_MAX);
    }
}

static void *gc_timer_thread(void *unused)
{
    (void)unused;
    gc_tm_on_timer_thread = true;
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    gc_lock(&gc_tm.lock);
    for (;;) {
        gc_tm_run_expired();
        uint32_t seq = atomic_load_explicit(&gc_tm.wake, memory_order_relaxed);
        struct timespec rel, *timeout = NULL;
        if (gc_tm.n > 0) {
            int64_t d = gc_tm.heap[0]->when - gochan_now();
            if (d < 0)
                d = 0;
            rel.tv_sec = d / 1000000000;
            rel.tv_nsec = d % 1000000000;
            timeout = &rel;
        }
        gc_unlock(&gc_tm.lock);
        /* A timer armed after we read seq changes wake: no lost wake-up. */
        gc_futex_wait(&gc_tm.wake, seq, timeout);
        gc_lock(&gc_tm.lock);
    }
    return NULL;
}

/* The timer thread does not survive fork(): the child's first timer
 * starts a new one. The lock is held across fork so the heap is
 * consistent in the child. */
static void gc_tm_atfork_prepare(void)
{
    gc_lock(&gc_tm.lock);
}

static void gc_tm_atfork_parent(void)
{
    gc_unlock(&gc_tm.lock);
}

static int gc_tm_start_thread(void);

static void gc_tm_atfork_child(void)
{
    gc_tm.thread_running = false;
    gc_tm.sync_waiters = 0;
    if (gc_tm.firing != NULL) {
        /* Its callback ran on the parent's timer thread: it never ends here. */
        gc_tm.firing->state = GC_TIMER_IDLE;
        gc_tm.firing = NULL;
    }
    if (gc_tm.n > 0)
        gc_tm_start_thread();
    gc_unlock(&gc_tm.lock); /* taken by the forking thread in prepare */
}

/* Under the lock. */
static int gc_tm_start_thread(void)
{
    if (!gc_tm.atfork_registered) {
        if (pthread_atfork(gc_tm_atfork_prepare, gc_tm_atfork_parent, gc_tm_atfork_child) != 0)
            return ENOMEM;
        gc_tm.atfork_registered = true;
    }
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0)
        return EAGAIN;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, GC_TIMER_STACK);
    /* The thread inherits our mask: block everything so the program's
     * signals are never delivered to libgochan's thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t tid;
    gc_hook_internal_thread();
    int rc = pthread_create(&tid, &attr, gc_timer_thread, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0)
        return EAGAIN;
    gc_tm.thread_running = true;
    return 0;
}

/* ------------------------------------------------------------------ */
/* API                                                                  */
/* ------------------------------------------------------------------ */

int gc_timer_start(struct gc_timer *t, int64_t when)
{
    GC_HOOK(timers, +1);
    gc_lock(&gc_tm.lock);
    int err = 0;
    if (!gc_tm.thread_running)
        err = gc_tm_start_thread();
    if (err == 0 && gc_tm.n == gc_tm.cap) {
        size_t cap = gc_tm.cap != 0 ? 2 * gc_tm.cap : 64;
        struct gc_timer **heap = realloc(gc_tm.heap, cap * sizeof(*heap));
        if (heap != NULL) {
            gc_tm.heap = heap;
            gc_tm.cap = cap;
        } else {
            err = ENOMEM;
        }
    }
    if (err != 0) {
        gc_unlock(&gc_tm.lock);
        GC_HOOK(timers, -1);
        return err;
    }
    GC_CHECK(t->state == GC_TIMER_IDLE);
    t->when = when;
    t->state = GC_TIMER_PENDING;
    gc_heap_set(gc_tm.n++, t);
    gc_heap_up(t->heap_index);
    if (t->heap_index == 0) {
        /* New earliest deadline: the thread must shorten its sleep. */
        atomic_fetch_add_explicit(&gc_tm.wake, 1, memory_order_relaxed);
        gc_futex_wake(&gc_tm.wake, 1);
    }
    gc_unlock(&gc_tm.lock);
    return 0;
}

bool gc_timer_stop(struct gc_timer *t)
{
    gc_lock(&gc_tm.lock);
    bool pending = t->state == GC_TIMER_PENDING;
    if (pending) {
        gc_heap_remove(t);
        t->state = GC_TIMER_IDLE;
    }
    gc_unlock(&gc_tm.lock);
    if (pending)
        GC_HOOK(timers, -1);
    return pending;
}

void gc_timer_sync(struct gc_timer *t)
{
    /* The timer thread runs one callback at a time: if t's is running it
     * is our caller's, which must not wait for itself. */
    if (gc_tm_on_timer_thread)
        return;
    gc_lock(&gc_tm.lock);
    while (t->state == GC_TIMER_FIRING) {
        uint32_t seq = atomic_load_explicit(&gc_tm.fired, memory_order_relaxed);
        gc_tm.sync_waiters++;
        gc_unlock(&gc_tm.lock);
        gc_futex_wait(&gc_tm.fired, seq, NULL);
        gc_lock(&gc_tm.lock);
        gc_tm.sync_waiters--;
    }
    gc_unlock(&gc_tm.lock);
}
