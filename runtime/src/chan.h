/*
 * chan.h: the channel, its wait queues and the steps shared by chan.c
 * (send, receive, close) and select.c, as Go's chan.go and select.go
 * share hchan, sudog and send()/recv().
 *
 * Lock order: a channel lock may be taken while holding a context's lock
 * (context.c closes done channels under it); select takes several
 * channel locks, always in increasing address order. Nothing else is
 * acquired while a channel lock is held (wake-ups happen after unlock).
 */
#ifndef GOCHAN_CHAN_H
#define GOCHAN_CHAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "g.h"
#include "hooks.h"
#include "internal.h"
#include "lock.h"

/* A goroutine waiting in a channel's queue (Go's sudog). Lives on the
 * waiting goroutine's stack, so no operation allocates. Once the waker
 * has called gc_ready(g) the sudog may disappear at any moment: wakers
 * write everything first, then wake, then never touch it again. */
struct gc_sudog {
    struct gc_g *g;
    struct gc_sudog *next, *prev; /* in *q; under c's lock */
    struct gc_waitq *q;           /* queue holding it, NULL once dequeued; under c's lock */
    struct chan *c;               /* immutable */
    /* Send: the value; receive: where it goes (NULL: discard). */
    void *elem;
    size_t elemsize; /* c's, for a select's hooks once c may be gone; immutable */
    /* select: the next sudog of the same select (immutable while the
     * goroutine is parked, so a waker may walk it). */
    struct gc_sudog *waitlink;
    bool is_select;
    /* Written by the waker: true when a value was exchanged, false when
     * the channel was closed. */
    bool success;
};

/* FIFO of parked goroutines. */
struct gc_waitq {
    struct gc_sudog *first, *last;
};

/* What a timer will do to a channel (for the block hook's "timed"). */
enum gc_chan_timer {
    GC_CHAN_TIMER_NONE = 0,
    GC_CHAN_TIMER_SEND,  /* chan_after: a timer will send one value */
    GC_CHAN_TIMER_CLOSE  /* a context deadline: a timer will close it */
};

struct gc_timer;

/*
 * A channel (Go's hchan). Invariants, under lock:
 *   - at least one of sendq and recvq is empty (a sender that finds a
 *     parked receiver hands the value over instead of queueing, and the
 *     other way round), except for the sudogs of one select that has
 *     both a send and a receive case on c (as in Go); with a buffer,
 *     sendq holds only senders when the buffer is full and recvq only
 *     receivers when it is empty (same exception);
 *   - 0 <= qcount <= dataqsiz; the values sit in slots recvx, recvx+1,
 *     ... (mod dataqsiz), and sendx == (recvx + qcount) % dataqsiz;
 *   - once closed, closed stays set and sendq is empty (close wakes every
 *     sender, which then panics).
 * The first cache line holds what every operation writes.
 */
struct chan {
    gc_lock_t lock;           /* protects every mutable field below */
    bool closed;              /* stored atomically: read without the lock by gc_chan_wait_drain */
    uint8_t timer_kind;       /* enum gc_chan_timer; cleared when the timer fires or c closes */
    /* GC_CHAN_LIVE from chan_make until chan_free clears it: every
     * operation checks it before the lock, so that a channel used after
     * its free panics instead of waiting for ever on a lock word the
     * allocator has written over. Best effort (once the memory is reused
     * it holds anything), and cheap: it shares the lock's line. */
    uint16_t live;
    /* Written under lock; also read without it (chan_len, a sender
     * waiting for the buffer to drain), hence atomic (relaxed: only a
     * snapshot or a hint there). */
    _Atomic size_t qcount;
    size_t sendx, recvx;      /* next slot to fill / to empty */
    struct gc_waitq recvq;    /* parked receivers */
    struct gc_waitq sendq;    /* parked senders */

    size_t dataqsiz;          /* capacity, immutable */
    size_t elemsize;          /* immutable */
    unsigned char *buf;       /* dataqsiz slots of elemsize bytes, immutable pointer */
    struct gc_timer *timer;   /* chan_after's timer; under lock, freed by chan_free */
};

#define GC_CHAN_LIVE 0xc4a7u

/* Panics unless c is a channel chan_free has not freed (see live). */
static inline void gc_chan_check(const struct chan *c)
{
    if (GC_UNLIKELY(__atomic_load_n(&c->live, __ATOMIC_RELAXED) != GC_CHAN_LIVE))
        gc_panic(GOCHAN_PANIC_USE_FREED, c);
}

/* ------------------------------------------------------------------ */
/* The channel lock                                                     */
/* ------------------------------------------------------------------ */

void gc_chan_lock_slow(struct chan *c);

/* gc_lock with a different way of waiting: under contention it backs
 * off without touching the lock's cache line (chan.c), instead of
 * spinning on it. */
static inline void gc_chan_lock(struct chan *c)
{
    if (GC_UNLIKELY(!gc_trylock(&c->lock)))
        gc_chan_lock_slow(c);
}

/* ------------------------------------------------------------------ */
/* Queues (all under the channel's lock)                                */
/* ------------------------------------------------------------------ */

static inline void gc_waitq_enqueue(struct gc_waitq *q, struct gc_sudog *sg)
{
    sg->next = NULL;
    sg->prev = q->last;
    sg->q = q;
    if (q->last != NULL)
        q->last->next = sg;
    else
        q->first = sg;
    q->last = sg;
}

static inline void gc_waitq_remove(struct gc_waitq *q, struct gc_sudog *sg)
{
    if (sg->prev != NULL)
        sg->prev->next = sg->next;
    else
        q->first = sg->next;
    if (sg->next != NULL)
        sg->next->prev = sg->prev;
    else
        q->last = sg->prev;
    sg->next = sg->prev = NULL;
    sg->q = NULL;
}

/* Removes the other sudogs of sg's select that wait on sg's channel: the
 * woken select then never needs this channel's lock again, so whoever
 * completes the operation may free the channel right away (select.c). */
void gc_select_unlink_siblings(struct gc_sudog *sg);

/* Takes the first waiter that can still be woken. A select's sudog
 * counts only if this caller wins the select (Go's dequeue); losers are
 * just dropped from the queue. */
static inline struct gc_sudog *gc_waitq_dequeue(struct gc_waitq *q)
{
    for (;;) {
        struct gc_sudog *sg = q->first;
        if (sg == NULL)
            return NULL;
        gc_waitq_remove(q, sg);
        if (sg->is_select) {
            uint32_t zero = 0;
            if (!atomic_compare_exchange_strong_explicit(&sg->g->select_done, &zero, 1,
                                                         memory_order_acq_rel,
                                                         memory_order_relaxed))
                continue; /* another channel already woke that select */
            gc_select_unlink_siblings(sg);
        }
        return sg;
    }
}

/* ------------------------------------------------------------------ */
/* The steps of a send and a receive (under the channel's lock)         */
/* ------------------------------------------------------------------ */

static inline unsigned char *gc_chanbuf(struct chan *c, size_t i)
{
    return c->buf + i * c->elemsize;
}

static inline size_t gc_chan_qcount(struct chan *c)
{
    return atomic_load_explicit(&c->qcount, memory_order_relaxed);
}

static inline void gc_elem_copy(void *dst, const void *src, size_t n)
{
    if (n != 0)
        gc_copy(dst, src, n);
}

static inline void gc_elem_zero(void *dst, size_t n)
{
    if (dst != NULL && n != 0)
        gc_zero(dst, n);
}

/* Stores ep in the buffer, which has room. */
static inline void gc_chan_bufsend(struct chan *c, const void *ep)
{
    GC_HOOK(chan_slot, c, c->sendx, NULL);
    gc_elem_copy(gc_chanbuf(c, c->sendx), ep, c->elemsize);
    if (++c->sendx == c->dataqsiz)
        c->sendx = 0;
    atomic_store_explicit(&c->qcount, gc_chan_qcount(c) + 1, memory_order_relaxed);
}

/* Takes the oldest buffered value into ep (NULL: discard). */
static inline void gc_chan_bufrecv(struct chan *c, void *ep)
{
    GC_HOOK(chan_slot, c, c->recvx, NULL);
    if (ep != NULL)
        gc_elem_copy(ep, gc_chanbuf(c, c->recvx), c->elemsize);
    if (++c->recvx == c->dataqsiz)
        c->recvx = 0;
    atomic_store_explicit(&c->qcount, gc_chan_qcount(c) - 1, memory_order_relaxed);
}

/* Completes sg's wait with success, to be woken by the caller once it
 * released the channel's lock. Returns the g to pass to gc_ready. */
static inline struct gc_g *gc_sudog_complete(struct gc_sudog *sg, bool success)
{
    struct gc_g *g = sg->g;
    sg->success = success;
    g->param = sg;
    return g;
}

/* Go's send(): hands ep to the parked receiver sg (the buffer is empty).
 * Returns the g to wake after unlocking. */
static inline struct gc_g *gc_chan_send_direct(struct chan *c, struct gc_sudog *sg, const void *ep)
{
    if (c->dataqsiz == 0) {
        GC_HOOK(chan_handoff, c, sg->g);
    } else {
        /* The value goes through slot recvx, as Go's race notes model
         * it: it enters the slot on our behalf and leaves it on the
         * receiver's; both indices advance past it. */
        GC_HOOK(chan_slot, c, c->recvx, NULL);
        GC_HOOK(chan_slot, c, c->recvx, sg->g);
        if (++c->recvx == c->dataqsiz)
            c->recvx = 0;
        c->sendx = c->recvx;
    }
    if (sg->elem != NULL)
        gc_elem_copy(sg->elem, ep, c->elemsize);
    return gc_sudog_complete(sg, true);
}

/* Go's recv(): takes a value from the parked sender sg. Unbuffered: the
 * sender's value directly. Buffered (then full): the oldest buffered
 * value, and the sender's value moves into the freed slot at the tail on
 * the sender's behalf. Returns the g to wake after unlocking. */
static inline struct gc_g *gc_chan_recv_direct(struct chan *c, struct gc_sudog *sg, void *ep)
{
    if (c->dataqsiz == 0) {
        GC_HOOK(chan_handoff, c, sg->g);
        if (ep != NULL)
            gc_elem_copy(ep, sg->elem, c->elemsize);
    } else {
        unsigned char *slot = gc_chanbuf(c, c->recvx);
        GC_HOOK(chan_slot, c, c->recvx, NULL);
        if (ep != NULL)
            gc_elem_copy(ep, slot, c->elemsize);
        GC_HOOK(chan_slot, c, c->recvx, sg->g);
        gc_elem_copy(slot, sg->elem, c->elemsize);
        if (++c->recvx == c->dataqsiz)
            c->recvx = 0;
        c->sendx = c->recvx;
    }
    return gc_sudog_complete(sg, true);
}

/* Whether a goroutine parked on c would be woken by a timer even if no
 * goroutine acts: the block hook's "timed". Under lock. */
static inline bool gc_chan_timed(const struct chan *c, bool is_send)
{
    if (is_send)
        return c->timer_kind == GC_CHAN_TIMER_CLOSE;
    return c->timer_kind != GC_CHAN_TIMER_NONE;
}

/* ------------------------------------------------------------------ */
/* For context.c                                                        */
/* ------------------------------------------------------------------ */

/* Marks c as one that a timer will close (a context's deadline), before
 * c is visible to other goroutines. */
void gc_chan_set_timer_close(struct chan *c);

#endif /* GOCHAN_CHAN_H */
