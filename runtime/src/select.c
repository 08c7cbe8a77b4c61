/*
 * select.c: chan_select, after Go's runtime/select.go.
 *
 * 1. Shuffle the cases into a random poll order (uniform choice among the
 *    ready ones). Try each case alone in that order (gc_select_fast).
 * 2. Sort the cases by channel address into the lock order, lock every
 *    channel, poll the cases in poll order, and complete the first ready
 *    one (or return -1 for a non-blocking select).
 * 3. Otherwise queue one sudog per case, on every channel, unlock and
 *    park. The first waker to win the CAS on g->select_done completes
 *    its case and removes our other sudogs on its own channel.
 * 4. Once woken, lock the other channels again and dequeue the sudogs
 *    that are still queued there.
 */
#include <stdlib.h>

#include "chan.h"

/* Selects of up to this many cases keep their scratch on the stack. */
enum { GC_SELECT_STACK_CASES = 16 };

/* Sorts the poll order's cases by channel address into lockorder (a heap
 * sort, as Go: no allocation, n log n). */
static void gc_sort_lockorder(const chan_case *cases, const uint32_t *pollorder,
                              uint32_t *lockorder, size_t n)
{
#define GC_KEY(i) ((uintptr_t)cases[lockorder[i]].c)
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        uintptr_t c = (uintptr_t)cases[pollorder[i]].c;
        while (j > 0 && GC_KEY((j - 1) / 2) < c) {
            size_t k = (j - 1) / 2;
            lockorder[j] = lockorder[k];
            j = k;
        }
        lockorder[j] = pollorder[i];
    }
    for (size_t i = n; i-- > 0;) {
        uint32_t o = lockorder[i];
        uintptr_t c = (uintptr_t)cases[o].c;
        lockorder[i] = lockorder[0];
        size_t j = 0;
        for (;;) {
            size_t k = 2 * j + 1;
            if (k >= i)
                break;
            if (k + 1 < i && GC_KEY(k) < GC_KEY(k + 1))
                k++;
            if (c >= GC_KEY(k))
                break;
            lockorder[j] = lockorder[k];
            j = k;
        }
        lockorder[j] = o;
    }
#undef GC_KEY
}

/* Locks the channels in address order, each once although several cases
 * may share it; except `skip` (NULL: none). Address order is what makes
 * concurrent selects over overlapping channels deadlock-free. */
static void gc_sellock(const chan_case *cases, const uint32_t *lockorder, size_t n,
                       const struct chan *skip)
{
    const struct chan *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        struct chan *c = cases[lockorder[i]].c;
        if (c != prev && c != skip)
            gc_chan_lock(c);
        prev = c;
    }
}

/* Unlocks what gc_sellock locked, in reverse order. Must not touch a
 * channel after unlocking it: a woken goroutine may free it. */
static void gc_selunlock(const chan_case *cases, const uint32_t *lockorder, size_t n,
                         const struct chan *skip)
{
    for (size_t i = n; i-- > 0;) {
        struct chan *c = cases[lockorder[i]].c;
        if (i > 0 && cases[lockorder[i - 1]].c == c)
            continue; /* unlocked with its first occurrence */
        if (c != skip)
            gc_unlock(&c->lock);
    }
}

void gc_select_unlink_siblings(struct gc_sudog *sg)
{
    /* waitlink is circular: every sudog of the select, each once. */
    for (struct gc_sudog *s = sg->waitlink; s != sg; s = s->waitlink) {
        if (s->c == sg->c && s->q != NULL)
            gc_waitq_remove(s->q, s);
    }
}

/* The outcome of polling: which case ran, and what is left to do after
 * the locks are released. */
struct gc_select_result {
    int casi;          /* -1: nothing ready */
    bool recv_ok;
    size_t elemsize;   /* casi's channel's, read under its lock (it may go) */
    struct gc_g *wake; /* a parked partner to wake, or NULL */
};

enum gc_case_outcome { GC_CASE_DONE, GC_CASE_BLOCKS, GC_CASE_SEND_CLOSED };

/* Runs case casi if it can proceed now, with its channel locked (Go's
 * pass 1 body). The caller unlocks, then panics on SEND_CLOSED. */
static enum gc_case_outcome gc_select_case(chan_case *cases, uint32_t casi,
                                           struct gc_select_result *r)
{
    chan_case *cas = &cases[casi];
    struct chan *c = cas->c;
    struct gc_sudog *sg;
    if (cas->dir == CHAN_DIR_SEND) {
        if (c->closed)
            return GC_CASE_SEND_CLOSED;
        if ((sg = gc_waitq_dequeue(&c->recvq)) != NULL)
            r->wake = gc_chan_send_direct(c, sg, cas->buf);
        else if (gc_chan_qcount(c) < c->dataqsiz)
            gc_chan_bufsend(c, cas->buf);
        else
            return GC_CASE_BLOCKS;
    } else {
        r->recv_ok = true;
        if ((sg = gc_waitq_dequeue(&c->sendq)) != NULL) {
            r->wake = gc_chan_recv_direct(c, sg, cas->buf);
        } else if (gc_chan_qcount(c) > 0) {
            gc_chan_bufrecv(c, cas->buf);
        } else if (c->closed) {
            GC_HOOK(chan_recv_closed, c);
            gc_elem_zero(cas->buf, c->elemsize);
            r->recv_ok = false;
        } else {
            return GC_CASE_BLOCKS;
        }
    }
    r->casi = (int)casi;
    r->elemsize = c->elemsize;
    return GC_CASE_DONE;
}

/* Fast path: each case alone, in poll order, locking only its channel.
 * Taking the first that can proceed is the same uniform choice as pass
 * 1's, and costs one lock instead of all of them when a case is ready.
 * Finding none proves nothing (a value may move between channels while
 * we look), so the caller then polls again under all the locks. */
static struct gc_select_result gc_select_fast(chan_case *cases, const uint32_t *pollorder,
                                              size_t norder)
{
    struct gc_select_result r = {.casi = -1};
    for (size_t i = 0; i < norder; i++) {
        struct chan *c = cases[pollorder[i]].c;
        gc_chan_lock(c);
        enum gc_case_outcome o = gc_select_case(cases, pollorder[i], &r);
        gc_unlock(&c->lock);
        if (o == GC_CASE_SEND_CLOSED)
            gc_panic(GOCHAN_PANIC_SEND_CLOSED, c);
        if (o == GC_CASE_DONE)
            break;
    }
    return r;
}

/* Pass 1: under all the locks, runs the first ready case in poll order. */
static struct gc_select_result gc_select_poll(chan_case *cases, const uint32_t *pollorder,
                                              const uint32_t *lockorder, size_t norder)
{
    struct gc_select_result r = {.casi = -1};
    for (size_t i = 0; i < norder; i++) {
        enum gc_case_outcome o = gc_select_case(cases, pollorder[i], &r);
        if (o == GC_CASE_SEND_CLOSED) {
            gc_selunlock(cases, lockorder, norder, NULL);
            gc_panic(GOCHAN_PANIC_SEND_CLOSED, cases[pollorder[i]].c);
        }
        if (o == GC_CASE_DONE)
            break;
    }
    return r;
}

/* Pass 2 and 3: queues a sudog on every case's channel, parks, and once
 * woken dequeues the sudogs the waker left. Called with all the locks
 * held; returns without them. */
static struct gc_sudog *gc_select_park(struct gc_g *g, chan_case *cases, struct gc_sudog *sgs,
                                       const uint32_t *lockorder, size_t norder,
                                       const struct chan *obj, enum gochan_wait_reason reason)
{
    bool timed = false;
    for (size_t i = 0; i < norder; i++) {
        const chan_case *cas = &cases[lockorder[i]];
        timed |= gc_chan_timed(cas->c, cas->dir == CHAN_DIR_SEND);
    }
    atomic_store_explicit(&g->select_done, 0, memory_order_relaxed);
    gc_park_prepare(g);
    const struct gochan_hooks *h = gc_hooks;
    if (GC_UNLIKELY(h != NULL) && h->block_select != NULL && reason == GOCHAN_WAIT_SELECT)
        h->block_select(g, cases, lockorder, norder, timed);
    else
        GC_HOOK(block, g, reason, obj, timed);

    struct gc_sudog *first = &sgs[lockorder[0]], *prev = NULL;
    for (size_t i = 0; i < norder; i++) {
        uint32_t casi = lockorder[i];
        chan_case *cas = &cases[casi];
        struct gc_sudog *sg = &sgs[casi];
        *sg = (struct gc_sudog){
            .g = g, .c = cas->c, .elem = cas->buf, .elemsize = cas->c->elemsize, .is_select = true};
        sg->waitlink = first; /* the ring closes at the last one */
        if (prev != NULL)
            prev->waitlink = sg;
        prev = sg;
        gc_waitq_enqueue(cas->dir == CHAN_DIR_SEND ? &cas->c->sendq : &cas->c->recvq, sg);
    }
    gc_selunlock(cases, lockorder, norder, NULL);

    gc_park(g);
    GC_HOOK(resume, g);

    /* The waker removed every sudog of ours on its channel and may free
     * that channel as soon as its operation returns: leave it alone. */
    struct gc_sudog *won = g->param;
    GC_CHECK(won != NULL && won->g == g);
    const struct chan *wc = won->c;
    gc_sellock(cases, lockorder, norder, wc);
    for (size_t i = 0; i < norder; i++) {
        struct gc_sudog *sg = &sgs[lockorder[i]];
        if (sg->c != wc && sg->q != NULL)
            gc_waitq_remove(sg->q, sg);
    }
    gc_selunlock(cases, lockorder, norder, wc);
    return won;
}

/* Passes 1 to 3 under all the locks: polls again and, if nothing is
 * ready, returns -1 (nonblocking) or parks until a case completes,
 * waiting for reason. */
static struct gc_select_result gc_select_locked(struct gc_g *g, chan_case *cases,
                                                struct gc_sudog *sgs, const uint32_t *pollorder,
                                                const uint32_t *lockorder, size_t norder,
                                                const struct chan *obj, bool nonblocking,
                                                enum gochan_wait_reason reason)
{
    gc_sellock(cases, lockorder, norder, NULL);
    struct gc_select_result r = gc_select_poll(cases, pollorder, lockorder, norder);
    if (r.casi >= 0 || nonblocking) {
        gc_selunlock(cases, lockorder, norder, NULL);
        return r;
    }
    struct gc_sudog *won = gc_select_park(g, cases, sgs, lockorder, norder, obj, reason);
    r.casi = (int)(won - sgs);
    r.recv_ok = won->success;
    r.elemsize = won->elemsize;
    if (!won->success) {
        /* Closed. The channel's address only: it may be gone. A receive
         * buffer was zeroed by close. */
        if (cases[r.casi].dir == CHAN_DIR_SEND)
            gc_panic(GOCHAN_PANIC_SEND_CLOSED, won->c);
        GC_HOOK(chan_recv_closed, won->c);
    }
    return r;
}

GC_API int chan_select(chan_case *cases, size_t n, bool nonblocking)
{
    uintptr_t pc = (uintptr_t)__builtin_return_address(0); /* for the hooks */
    struct gc_g *g = gc_getg();
    uint32_t order_stack[2 * GC_SELECT_STACK_CASES];
    struct gc_sudog sg_stack[GC_SELECT_STACK_CASES];
    uint32_t *pollorder = order_stack;
    struct gc_sudog *sgs = sg_stack;
    void *heap = NULL;
    if (n > GC_SELECT_STACK_CASES) {
        if (n > UINT32_MAX / 2)
            gc_panicf(GOCHAN_PANIC_USER, NULL, "chan_select: too many cases (%zu)", n);
        heap = malloc(n * (sizeof(struct gc_sudog) + 2 * sizeof(uint32_t)));
        if (heap == NULL)
            gc_panicf(GOCHAN_PANIC_USER, NULL, "chan_select: out of memory for %zu cases", n);
        sgs = heap;
        pollorder = (uint32_t *)(sgs + n);
    }
    uint32_t *lockorder = pollorder + n;

    /* Inside-out Fisher-Yates over the cases that can ever proceed:
     * cases on nil channels are left out, as in Go. */
    size_t norder = 0;
    const struct chan *obj = NULL; /* reported to block(): the first case's channel */
    for (size_t i = 0; i < n; i++) {
        if (cases[i].dir != CHAN_DIR_SEND && cases[i].dir != CHAN_DIR_RECV)
            gc_panicf(GOCHAN_PANIC_USER, NULL, "chan_select: case %zu has invalid direction %d",
                      i, cases[i].dir);
        if (cases[i].c == NULL)
            continue;
        if (cases[i].dir == CHAN_DIR_SEND)
            GC_HOOK(chan_send_begin, cases[i].c, pc);
        gc_chan_check(cases[i].c);
        if (cases[i].dir == CHAN_DIR_SEND)
            GC_HOOK(chan_send_value, cases[i].buf, cases[i].c->elemsize, pc);
        if (obj == NULL)
            obj = cases[i].c;
        uint32_t j = gc_rand_n(g, (uint32_t)norder + 1);
        pollorder[norder] = pollorder[j];
        pollorder[j] = (uint32_t)i;
        norder++;
    }
    if (norder == 0) {
        free(heap);
        if (nonblocking) {
            gc_hook_poll_empty();
            return -1;
        }
        /* Go's wait reasons: "select (no cases)" for select {} alone; a
         * select whose cases are all on nil channels waits in "select",
         * but with a single case, which Go's compiler makes the plain
         * operation, in that operation's. */
        enum gochan_wait_reason reason = GOCHAN_WAIT_SELECT;
        if (n == 0)
            reason = GOCHAN_WAIT_SELECT_NO_CASES;
        else if (n == 1)
            reason = cases[0].dir == CHAN_DIR_SEND ? GOCHAN_WAIT_CHAN_SEND_NIL : GOCHAN_WAIT_CHAN_RECV_NIL;
        gc_park_forever(reason);
    }
    /* A single case on a channel waits as that operation would, for the
     * same reason. */
    enum gochan_wait_reason reason = GOCHAN_WAIT_SELECT;
    if (n == 1)
        reason = cases[0].dir == CHAN_DIR_SEND ? GOCHAN_WAIT_CHAN_SEND : GOCHAN_WAIT_CHAN_RECV;
    struct gc_select_result r = gc_select_fast(cases, pollorder, norder);
    if (r.casi < 0) {
        gc_sort_lockorder(cases, pollorder, lockorder, norder);
        r = gc_select_locked(g, cases, sgs, pollorder, lockorder, norder, obj, nonblocking, reason);
    }
    free(heap);
    if (r.wake != NULL)
        gc_ready(r.wake);
    if (r.casi < 0) {
        gc_hook_poll_empty();
        return -1;
    }
    if (cases[r.casi].dir == CHAN_DIR_RECV) {
        cases[r.casi].ok = r.recv_ok;
        if (cases[r.casi].buf != NULL && r.elemsize != 0)
            GC_HOOK(chan_recv_value, cases[r.casi].buf, r.elemsize, pc);
    }
    return r.casi;
}
