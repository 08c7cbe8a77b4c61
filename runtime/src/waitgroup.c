/*
 * waitgroup.c: Go's sync.WaitGroup.
 *
 * The detector must see each waiter readied by the goroutine whose
 * waitgroup_add brought the counter to zero, so that goroutine needs the
 * list of waiters. waitgroup_t has no room for a lock or a list (its
 * layout is public), so WaitGroups hash by address into a fixed table of
 * buckets: a bucket's lock protects the fields of every WaitGroup hashing
 * to it and the bucket's list of waiter records (on the waiters' stacks).
 *
 * Waiters sleep on the WaitGroup's seq_ futex word, which the releaser
 * bumps once it has unlinked every waiter of that WaitGroup; so a waiter
 * that sees seq_ change knows its record is no longer referenced. The
 * bucket lock is a leaf: nothing else is acquired while it is held.
 */
#include <limits.h>
#include <stdint.h>

#include "g.h"
#include "hooks.h"
#include "internal.h"
#include "lock.h"

enum { GC_WG_BUCKETS = 64 };

/* A goroutine in waitgroup_wait. */
struct gc_wg_waiter {
    const waitgroup_t *wg;
    struct gc_g *g;
    struct gc_wg_waiter *next;
};

struct gc_wg_bucket {
    gc_lock_t lock;               /* protects waiters and the fields of its WaitGroups */
    struct gc_wg_waiter *waiters; /* of every WaitGroup hashing here */
} __attribute__((aligned(GC_CACHE_LINE)));

static struct gc_wg_bucket gc_wg_table[GC_WG_BUCKETS];

static struct gc_wg_bucket *gc_wg_bucket(const waitgroup_t *wg)
{
    uintptr_t a = (uintptr_t)wg;
    a ^= a >> 17;
    a *= 0x9E3779B97F4A7C15ULL;
    return &gc_wg_table[(a >> 32) % GC_WG_BUCKETS];
}

static _Atomic uint32_t *gc_wg_seq(waitgroup_t *wg)
{
    return (_Atomic uint32_t *)&wg->seq_;
}

/* Under the bucket lock: readies and unlinks every waiter of wg, then
 * publishes the new generation. */
static void gc_wg_release(struct gc_wg_bucket *b, waitgroup_t *wg)
{
    for (struct gc_wg_waiter **p = &b->waiters; *p != NULL;) {
        struct gc_wg_waiter *w = *p;
        if (w->wg == wg) {
            *p = w->next;
            GC_HOOK(ready, w->g);
        } else {
            p = &w->next;
        }
    }
    wg->waiters_ = 0;
    atomic_fetch_add_explicit(gc_wg_seq(wg), 1, memory_order_release);
    /* Under the lock: a waiter takes it once before returning, so wg
     * (often on its stack) outlives this call. */
    gc_futex_wake(gc_wg_seq(wg), INT_MAX);
}

GC_API void waitgroup_add(waitgroup_t *wg, int delta)
{
    struct gc_wg_bucket *b = gc_wg_bucket(wg);
    gc_lock(&b->lock);
    int64_t v = wg->counter_ + delta;
    if (v < 0) {
        gc_unlock(&b->lock);
        gc_panic(GOCHAN_PANIC_WG_NEGATIVE, wg);
    }
    wg->counter_ = v;
    GC_HOOK(wg_add, wg, delta, v);
    if (v == 0) {
        if (wg->waiters_ != 0)
            gc_wg_release(b, wg);
        else
            atomic_fetch_add_explicit(gc_wg_seq(wg), 1, memory_order_release);
    }
    gc_unlock(&b->lock);
}

GC_API void waitgroup_done(waitgroup_t *wg)
{
    waitgroup_add(wg, -1);
}

GC_API void waitgroup_wait(waitgroup_t *wg)
{
    struct gc_wg_bucket *b = gc_wg_bucket(wg);
    gc_lock(&b->lock);
    if (wg->counter_ == 0) {
        GC_HOOK(wg_wait_begin, wg, true);
        gc_unlock(&b->lock);
        GC_HOOK(wg_wait_end, wg);
        return;
    }
    if (wg->waiters_ == 0)
        GC_HOOK(wg_wait_begin, wg, false); /* the round's first waiter (see the hook) */
    struct gc_g *g = gc_getg();
    GC_HOOK(block, g, GOCHAN_WAIT_WAITGROUP, wg, false);
    struct gc_wg_waiter w = {.wg = wg, .g = g, .next = b->waiters};
    b->waiters = &w;
    wg->waiters_++;
    uint32_t seq = atomic_load_explicit(gc_wg_seq(wg), memory_order_relaxed);
    gc_unlock(&b->lock);

    /* WaitGroup waits tend to be long: no spinning, straight to sleep. */
    while (atomic_load_explicit(gc_wg_seq(wg), memory_order_acquire) == seq)
        gc_futex_wait(gc_wg_seq(wg), seq, NULL);
    /* Wait for the releaser to leave gc_wg_release (see there). As Go's
     * Wait, a waiter that then finds the WaitGroup in use again (an Add
     * made before every Wait of the last round returned) panics: the
     * program cannot tell which round it waited for. It depends on
     * timing, as in Go: on how soon the waiter runs again. */
    gc_lock(&b->lock);
    bool reused = wg->counter_ != 0 || wg->waiters_ != 0;
    gc_unlock(&b->lock);
    GC_HOOK(resume, g);
    if (reused)
        gc_panic(GOCHAN_PANIC_WG_REUSED, wg);
    GC_HOOK(wg_wait_end, wg);
}
