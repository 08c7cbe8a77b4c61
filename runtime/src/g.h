/*
 * g.h: the per-thread wait record (Go's g, as far as parking goes) and
 * parking on it (park.c).
 *
 * A thread that blocks on channels or in select parks on its own gc_g: a
 * futex word that only its waker writes. The waker finds the g through a
 * sudog in a channel's queue, decides under the channel's lock that it
 * wakes this g, releases the lock, and calls gc_ready(g). (WaitGroup
 * waiters sleep on the WaitGroup's own futex word instead; waitgroup.c.)
 * The g's address is the "waiter" passed to the hooks: it lives as long
 * as the thread, so it is stable from block() to resume().
 *
 * Protocol of the wake word (GC_G_*):
 *     owner:  RUNNING -> PARKED            gc_park_prepare, under the
 *                                          object's lock, before the g
 *                                          becomes visible to wakers
 *             PARKED  -> SLEEPING          gc_park, only after spinning,
 *                                          right before FUTEX_WAIT
 *     waker:  PARKED/SLEEPING -> RUNNING   gc_ready; FUTEX_WAKE only if it
 *                                          replaced SLEEPING
 * So an uncontended hand-off costs no system call on either side, and
 * the owner returns only once it has read RUNNING (spurious futex
 * wake-ups just loop).
 */
#ifndef GOCHAN_G_H
#define GOCHAN_G_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hooks.h"
#include "lock.h"

enum { GC_G_RUNNING = 0, GC_G_PARKED = 1, GC_G_SLEEPING = 2 };

struct gc_sudog;

struct gc_g {
    /* The wake word: written by the owner and by its single waker. */
    _Atomic uint32_t wake;
    /* 0 while a select of this g waits; the first waker to CAS it to 1
     * owns the wake-up (Go's g.selectDone). Reset by the owner under
     * the locks of all the select's channels. */
    _Atomic uint32_t select_done;
    /* The sudog that completed the wait, written by the waker under the
     * channel's lock before gc_ready, read by the owner after waking
     * (Go's g.param). */
    struct gc_sudog *param;
    /* Goroutine number (1 = the first thread), 0 until first use. Owner
     * only. */
    uint64_t goid;
    /* xorshift64* state for select's random order. Owner only. */
    uint64_t rng;
    /* Spins last 1/2^spin_shift of their full length (park.c). A park
     * whose wait outlasted the full spin many times over (long waits),
     * or whose spin was preempted (an overloaded machine), halves them;
     * a park that ended within or shortly after the spin (a longer one
     * would have avoided the sleep) doubles them back. Waits just longer
     * than the spin, such as a partner's futex wake-up latency, must not
     * shrink it: then both sides would sleep on every hand-off. Owner
     * only. */
    unsigned spin_shift;
};

/* The calling thread's record: initial-exec TLS, so reaching it costs a
 * load and no __tls_get_addr call. */
extern __thread struct gc_g gc_g_self __attribute__((tls_model("initial-exec")));

/* Assigns the goroutine number and seeds the generator (go.c). */
void gc_g_init(struct gc_g *g, uint64_t goid);

static inline struct gc_g *gc_getg(void)
{
    struct gc_g *g = &gc_g_self;
    if (GC_UNLIKELY(g->goid == 0))
        gc_g_init(g, 0);
    return g;
}

/* Uniform in [0, n) (n > 0), from the calling thread's generator. */
static inline uint32_t gc_rand_n(struct gc_g *g, uint32_t n)
{
    uint64_t x = g->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g->rng = x;
    uint32_t r = (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
    return (uint32_t)(((uint64_t)r * n) >> 32);
}

/* Whether spinning can pay off: false on a single CPU, where whoever we
 * wait for cannot run while we spin (set by park.c's constructor). */
extern bool gc_multicore;

/* Pauses between two looks at a word someone else will change. */
enum { GC_SPIN_POLL = 32 };

/* Bracket a spin longer than GC_SPIN_POLL pauses. gc_spin_begin returns
 * false, and the caller must not spin, when enough threads spin already
 * (park.c). */
bool gc_spin_begin(void);
void gc_spin_end(void);

/* Must be called before g becomes visible to any waker. */
static inline void gc_park_prepare(struct gc_g *g)
{
    g->param = NULL;
    atomic_store_explicit(&g->wake, GC_G_PARKED, memory_order_relaxed);
}

/* The rest of gc_park: a longer spin, then the futex (park.c). */
void gc_park_slow(struct gc_g *g);

/* Waits until a waker has called gc_ready(g). Spins first: in a
 * ping-pong the partner usually answers within a microsecond, much less
 * than a futex sleep and wake-up cost. */
static inline void gc_park(struct gc_g *g)
{
    for (unsigned i = 0; i < GC_SPIN_POLL; i++) {
        if (atomic_load_explicit(&g->wake, memory_order_acquire) == GC_G_RUNNING)
            return;
        gc_cpu_relax();
    }
    gc_park_slow(g);
}

/* Wakes g. Everything the waker wrote for g (the value, sudog->success,
 * g->param) must be written before: the owner may return and its stack
 * (with the sudog) disappear as soon as the exchange is visible. The
 * futex word itself is thread-local storage that may be gone too when
 * FUTEX_WAKE runs (the owner woke spuriously, saw RUNNING and exited):
 * the kernel then fails with EFAULT or wakes a futex that re-checks its
 * condition, as every futex wait here does, so that is harmless. */
static inline void gc_ready(struct gc_g *g)
{
    GC_HOOK(ready, g);
    if (atomic_exchange_explicit(&g->wake, GC_G_RUNNING, memory_order_release) == GC_G_SLEEPING)
        gc_futex_wake(&g->wake, 1);
}

/* Blocks the calling thread forever (Go's gopark with no waker): nil
 * channels and selects without cases. Reports block() first (park.c). */
void gc_park_forever(enum gochan_wait_reason reason) __attribute__((noreturn));

#endif /* GOCHAN_G_H */
