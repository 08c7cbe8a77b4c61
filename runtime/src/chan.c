/*
 * chan.c: channels, after Go's runtime/chan.go.
 *
 * One gc_lock per channel and no global lock. A sender that finds a
 * parked receiver copies its value straight into the receiver's buffer
 * (and the other way round), without touching the ring buffer. Blocking
 * and non-blocking operations share one worker each (gc_chansend,
 * gc_chanrecv) with a `block` flag. A blocked goroutine waits on a sudog
 * on its own stack, linked into the channel's sendq or recvq, and parks
 * on its gc_g (g.h).
 *
 * Hazard, everywhere below: after gc_ready(g) the waker must not touch
 * the sudog (it lives on the woken goroutine's stack), and a woken
 * goroutine must not touch the channel (the goroutine that woke it may
 * free it as soon as its own operation returns); it only passes its
 * address to hooks.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>

#include "chan.h"
#include "timer.h"

/*
 * Contention. Two threads on one channel go fastest in batches: one runs
 * a series of operations with the channel's cache line in its own cache
 * while the other keeps off it, instead of the line moving on every
 * operation. Hence:
 *   - a contended channel lock is retried with exponential backoff
 *     rather than by spinning on its cache line;
 *   - a sender that finds a large buffer full first waits, off the line
 *     and outside the queue, until the buffer has drained to half (or
 *     GC_CHAN_DRAIN_NS passed), then fills it in one go. Queueing at once
 *     would have every receive hand the sender's value over and wake it,
 *     one wake-up per value. Small buffers are used like unbuffered
 *     channels (request and reply), where that wait would only add
 *     latency.
 * Measured on 2 cores, 1 producer and 1 consumer on a cap-1024 channel:
 * about 11 M values/s with a plain lock and immediate queueing, 13-24 M/s
 * with the backoff, 20-30 M/s with both.
 */
enum {
    GC_CHAN_BACKOFF_MIN = 16, /* pauses */
    GC_CHAN_BACKOFF_MAX = 256,
    GC_CHAN_DRAIN_MIN_CAP = 16,
    GC_CHAN_DRAIN_NS = 50 * 1000,
    GC_CHAN_DRAIN_POLL = 64,  /* pauses between looks at qcount */
    GC_CHAN_DRAIN_YIELD = 4   /* polls between two sched_yield */
};

void gc_chan_lock_slow(struct chan *c)
{
    /* Unbuffered channels are used in lockstep (a ping-pong): there the
     * partner needs the lock right after us, and a backoff only adds
     * latency. */
    if (gc_multicore && c->dataqsiz != 0) {
        for (unsigned n = GC_CHAN_BACKOFF_MIN; n <= GC_CHAN_BACKOFF_MAX; n *= 2) {
            for (unsigned i = 0; i < n; i++)
                gc_cpu_relax();
            if (atomic_load_explicit(&c->lock.state, memory_order_relaxed) == 0 &&
                gc_trylock(&c->lock))
                return;
        }
    }
    gc_lock(&c->lock);
}

GC_API chan_t *chan_make(size_t elem_size, size_t cap)
{
    size_t head = (sizeof(struct chan) + GC_CACHE_LINE - 1) & ~(size_t)(GC_CACHE_LINE - 1);
    if (cap != 0 && elem_size > (SIZE_MAX - head - GC_CACHE_LINE) / cap) {
        errno = EINVAL;
        return NULL;
    }
    size_t size = head + elem_size * cap;
    size = (size + GC_CACHE_LINE - 1) & ~(size_t)(GC_CACHE_LINE - 1);
    /* Cache-line aligned, so that the hot first line of the channel is
     * not shared with unrelated data. */
    struct chan *c = aligned_alloc(GC_CACHE_LINE, size);
    if (c == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    gc_zero(c, sizeof(*c));
    c->live = GC_CHAN_LIVE;
    c->dataqsiz = cap;
    c->elemsize = elem_size;
    c->buf = (unsigned char *)c + head;
    GC_HOOK(chan_make, c, elem_size, cap);
    return c;
}

/* Parks the calling goroutine on c as sg (already filled in), reporting
 * reason. Called with c's lock held; returns without it, once woken. */
static void gc_chan_park(struct chan *c, struct gc_waitq *q, struct gc_sudog *sg,
                         enum gochan_wait_reason reason, bool is_send)
{
    struct gc_g *g = sg->g;
    gc_park_prepare(g);
    GC_HOOK(block, g, reason, c, gc_chan_timed(c, is_send));
    gc_waitq_enqueue(q, sg);
    gc_unlock(&c->lock);
    gc_park(g);
    GC_HOOK(resume, g);
}

/* Waits, off c's cache line and without its lock, until c's full buffer
 * has drained to half or c is closed, for at most GC_CHAN_DRAIN_NS. */
static void gc_chan_wait_drain(struct chan *c)
{
    int64_t deadline = gochan_now() + GC_CHAN_DRAIN_NS;
    size_t half = c->dataqsiz / 2;
    for (unsigned round = 1;; round++) {
        for (int i = 0; i < GC_CHAN_DRAIN_POLL; i++)
            gc_cpu_relax();
        if (gc_chan_qcount(c) <= half || __atomic_load_n(&c->closed, __ATOMIC_RELAXED))
            return;
        if (round % GC_CHAN_DRAIN_YIELD == 0)
            sched_yield(); /* the receiver may be queued behind us */
        if (gochan_now() >= deadline)
            return;
    }
}

/* Go's chansend. Returns false only when !block and the send would
 * block. pc: the program's call, for the hooks. */
static bool gc_chansend(struct chan *c, const void *ep, bool block, uintptr_t pc)
{
    if (c == NULL) {
        if (!block) {
            gc_hook_poll_empty();
            return false;
        }
        gc_park_forever(GOCHAN_WAIT_CHAN_SEND_NIL);
    }
    GC_HOOK(chan_send_begin, c, pc);
    gc_chan_check(c);
    GC_HOOK(chan_send_value, ep, c->elemsize, pc);
    bool may_wait = block && c->dataqsiz >= GC_CHAN_DRAIN_MIN_CAP;
    for (;;) {
        gc_chan_lock(c);
        if (c->closed) {
            gc_unlock(&c->lock);
            gc_panic(GOCHAN_PANIC_SEND_CLOSED, c);
        }
        struct gc_sudog *sg = gc_waitq_dequeue(&c->recvq);
        if (sg != NULL) {
            struct gc_g *g = gc_chan_send_direct(c, sg, ep);
            gc_unlock(&c->lock);
            gc_ready(g);
            return true;
        }
        if (gc_chan_qcount(c) < c->dataqsiz) {
            gc_chan_bufsend(c, ep);
            gc_unlock(&c->lock);
            return true;
        }
        if (!block) {
            gc_unlock(&c->lock);
            gc_hook_poll_empty();
            return false;
        }
        if (!may_wait || !gc_spin_begin())
            break;
        gc_unlock(&c->lock);
        gc_chan_wait_drain(c);
        gc_spin_end();
        may_wait = false;
    }
    struct gc_sudog me = {.g = gc_getg(), .c = c, .elem = (void *)ep};
    gc_chan_park(c, &c->sendq, &me, GOCHAN_WAIT_CHAN_SEND, true);
    if (!me.success)
        gc_panic(GOCHAN_PANIC_SEND_CLOSED, c); /* closed while we waited */
    return true;
}

/* Go's chanrecv: CHAN_OK with a value in ep, CHAN_CLOSED when c is closed
 * and drained (ep zeroed), CHAN_EMPTY only when !block. *elemsize: c's,
 * once c is known live (a nil channel never returns but as CHAN_EMPTY). */
static int gc_chanrecv_op(struct chan *c, void *ep, bool block, size_t *elemsize)
{
    if (c == NULL) {
        if (!block) {
            gc_hook_poll_empty();
            return CHAN_EMPTY;
        }
        gc_park_forever(GOCHAN_WAIT_CHAN_RECV_NIL);
    }
    gc_chan_check(c);
    *elemsize = c->elemsize;
    gc_chan_lock(c);
    if (c->closed && gc_chan_qcount(c) == 0) {
        GC_HOOK(chan_recv_closed, c);
        gc_elem_zero(ep, c->elemsize);
        gc_unlock(&c->lock);
        return CHAN_CLOSED;
    }
    struct gc_sudog *sg = gc_waitq_dequeue(&c->sendq);
    if (sg != NULL) {
        struct gc_g *g = gc_chan_recv_direct(c, sg, ep);
        gc_unlock(&c->lock);
        gc_ready(g);
        return CHAN_OK;
    }
    if (gc_chan_qcount(c) > 0) {
        gc_chan_bufrecv(c, ep);
        gc_unlock(&c->lock);
        return CHAN_OK;
    }
    if (!block) {
        gc_unlock(&c->lock);
        gc_hook_poll_empty();
        return CHAN_EMPTY;
    }
    struct gc_sudog me = {.g = gc_getg(), .c = c, .elem = ep};
    gc_chan_park(c, &c->recvq, &me, GOCHAN_WAIT_CHAN_RECV, false);
    if (!me.success) {
        /* Woken by close, which zeroed ep. c's address only: it may be
         * gone already. */
        GC_HOOK(chan_recv_closed, c);
        return CHAN_CLOSED;
    }
    return CHAN_OK;
}

/* gc_chanrecv_op, and the hook of a receive that stored something in ep
 * (the element size read where c is checked: c may be gone once a close
 * woke us). pc: the program's call. */
static int gc_chanrecv(struct chan *c, void *ep, bool block, uintptr_t pc)
{
    size_t size = 0;
    int r = gc_chanrecv_op(c, ep, block, &size);
    if (r != CHAN_EMPTY && ep != NULL && size != 0)
        GC_HOOK(chan_recv_value, ep, size, pc);
    return r;
}

GC_API void chan_send(chan_t *c, const void *elem)
{
    gc_chansend(c, elem, true, (uintptr_t)__builtin_return_address(0));
}

GC_API bool chan_recv(chan_t *c, void *out)
{
    return gc_chanrecv(c, out, true, (uintptr_t)__builtin_return_address(0)) == CHAN_OK;
}

GC_API bool chan_try_send(chan_t *c, const void *elem)
{
    return gc_chansend(c, elem, false, (uintptr_t)__builtin_return_address(0));
}

GC_API int chan_try_recv(chan_t *c, void *out)
{
    return gc_chanrecv(c, out, false, (uintptr_t)__builtin_return_address(0));
}

GC_API void chan_close(chan_t *c)
{
    if (c == NULL)
        gc_panic(GOCHAN_PANIC_CLOSE_NIL, NULL);
    gc_chan_check(c);
    gc_chan_lock(c);
    if (c->closed) {
        gc_unlock(&c->lock);
        gc_panic(GOCHAN_PANIC_CLOSE_CLOSED, c);
    }
    GC_HOOK(chan_close, c);
    __atomic_store_n(&c->closed, true, __ATOMIC_RELAXED); /* also read by gc_chan_wait_drain */
    c->timer_kind = GC_CHAN_TIMER_NONE; /* nothing a timer does can wake anyone now */

    /* Collect every waiter (chained through next, free once dequeued)
     * and wake them after unlocking, as Go's closechan does. */
    struct gc_sudog *list = NULL, **tail = &list;
    struct gc_sudog *sg;
    while ((sg = gc_waitq_dequeue(&c->recvq)) != NULL) {
        /* Zeroed here, where elemsize is known: once woken the receiver
         * must not read c. */
        gc_elem_zero(sg->elem, c->elemsize);
        gc_sudog_complete(sg, false);
        *tail = sg;
        tail = &sg->next;
    }
    while ((sg = gc_waitq_dequeue(&c->sendq)) != NULL) {
        gc_sudog_complete(sg, false);
        *tail = sg;
        tail = &sg->next;
    }
    gc_unlock(&c->lock);
    while (list != NULL) {
        /* Read both before the wake-up: then the sudog may be gone. */
        struct gc_sudog *next = list->next;
        struct gc_g *g = list->g;
        gc_ready(g);
        list = next;
    }
}

GC_API size_t chan_len(chan_t *c)
{
    if (c == NULL)
        return 0;
    gc_chan_check(c);
    return gc_chan_qcount(c);
}

GC_API size_t chan_cap(chan_t *c)
{
    if (c == NULL)
        return 0;
    gc_chan_check(c);
    return c->dataqsiz;
}

GC_API void chan_free(chan_t *c)
{
    if (c == NULL)
        return;
    gc_chan_check(c); /* freed twice */
    gc_chan_lock(c);
    if (c->recvq.first != NULL || c->sendq.first != NULL) {
        gc_unlock(&c->lock);
        gc_panic(GOCHAN_PANIC_FREE_BLOCKED, c);
    }
    __atomic_store_n(&c->live, 0, __ATOMIC_RELAXED);
    struct gc_timer *t = c->timer;
    c->timer = NULL;
    gc_unlock(&c->lock);
    if (t != NULL) {
        /* The timer's callback uses c: cancel it, or wait until a
         * running callback has finished with c. */
        gc_timer_stop(t);
        gc_timer_sync(t);
        free(t);
    }
    GC_HOOK(chan_free, c);
    free(c);
}

void gc_chan_set_timer_close(struct chan *c)
{
    c->timer_kind = GC_CHAN_TIMER_CLOSE;
}

/* ------------------------------------------------------------------ */
/* chan_after                                                           */
/* ------------------------------------------------------------------ */

/* A non-blocking send of now to c that drops the value when c is full or
 * closed (Go's sendTime), and tells the hooks no timer is pending any
 * more. */
static void gc_chan_send_time(struct chan *c, int64_t now)
{
    gc_chan_lock(c);
    c->timer_kind = GC_CHAN_TIMER_NONE;
    struct gc_g *g = NULL;
    if (!c->closed) {
        struct gc_sudog *sg = gc_waitq_dequeue(&c->recvq);
        if (sg != NULL)
            g = gc_chan_send_direct(c, sg, &now);
        else if (gc_chan_qcount(c) < c->dataqsiz)
            gc_chan_bufsend(c, &now);
    }
    gc_unlock(&c->lock);
    if (g != NULL)
        gc_ready(g);
}

/* Timer callback of chan_after, on the timer thread. c stays valid:
 * chan_free waits for a running callback (gc_timer_sync). */
static void gc_after_fire(struct gc_timer *t)
{
    gc_chan_send_time(t->arg, gochan_now());
}

GC_API chan_t *chan_after(int64_t ns)
{
    struct chan *c = chan_make(sizeof(int64_t), 1);
    if (c == NULL)
        return NULL;
    int64_t now = gochan_now();
    if (ns <= 0) {
        gc_chan_send_time(c, now);
        return c;
    }
    struct gc_timer *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        chan_free(c);
        errno = ENOMEM;
        return NULL;
    }
    t->fn = gc_after_fire;
    t->arg = c;
    /* Not yet visible to anyone: no lock needed. */
    c->timer = t;
    c->timer_kind = GC_CHAN_TIMER_SEND;
    int err = gc_timer_start(t, gc_time_add(now, ns));
    if (err != 0) {
        chan_free(c);
        errno = err;
        return NULL;
    }
    return c;
}
