/*
 * park.c: parking a goroutine on its wait record (see g.h for the wake
 * word's protocol), spinning before sleeping when that can pay off.
 *
 * A futex sleep and wake-up costs tens of microseconds on a virtual
 * machine, while a partner in a ping-pong answers within one: a parked
 * goroutine spins on its wake word first. The spin adapts (gc_g's
 * spin_shift), gives way (at most one CPU fewer spinners than CPUs; a
 * sched_yield now and then), and stops at once when the spinner finds it
 * was preempted: on an overloaded machine spinning only takes CPU time
 * from the goroutine we wait for.
 */
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include "g.h"
#include "internal.h"

bool gc_multicore;

enum {
    /* The full spin: long enough to cover a partner that answers at
     * once or is being woken from its own futex sleep, short enough not
     * to burn much CPU on a wait that lasts. */
    GC_PARK_SPIN_NS = 50 * 1000,
    /* A wait shorter than this many full spins still counts as one a
     * spin could have covered. */
    GC_PARK_SPIN_WORTH = 4,
    /* Spins are at least 1/2^GC_SPIN_SHIFT_MAX of the full one. */
    GC_SPIN_SHIFT_MAX = 6,
    /* A spinner yields its CPU every this many polls: should the
     * goroutine it waits for be queued behind it, that one runs. */
    GC_SPIN_YIELD_ROUNDS = 4,
    /* A poll round (well under 2 us) that took longer means the spinner
     * lost its CPU. */
    GC_SPIN_PREEMPTED_NS = 20 * 1000
};

/* Threads spinning now, and how many may: one fewer than the CPUs, so
 * that spinners never occupy every CPU while the goroutine they wait for
 * is ready to run. */
static _Atomic unsigned gc_spinners;
static unsigned gc_max_spinners;

__attribute__((constructor)) static void gc_park_init(void)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    gc_multicore = ncpu > 1;
    gc_max_spinners = ncpu > 1 ? (unsigned)ncpu - 1 : 0;
}

/* Records whether spinning longer would have paid off (see gc_g). */
static void gc_spin_result(struct gc_g *g, bool worth_it)
{
    if (worth_it) {
        if (g->spin_shift > 0)
            g->spin_shift--;
    } else if (g->spin_shift < GC_SPIN_SHIFT_MAX) {
        g->spin_shift++;
    }
}

bool gc_spin_begin(void)
{
    if (atomic_load_explicit(&gc_spinners, memory_order_relaxed) >= gc_max_spinners)
        return false;
    if (atomic_fetch_add_explicit(&gc_spinners, 1, memory_order_relaxed) < gc_max_spinners)
        return true;
    atomic_fetch_sub_explicit(&gc_spinners, 1, memory_order_relaxed);
    return false;
}

void gc_spin_end(void)
{
    atomic_fetch_sub_explicit(&gc_spinners, 1, memory_order_relaxed);
}

static bool gc_woken(const struct gc_g *g)
{
    return atomic_load_explicit(&g->wake, memory_order_acquire) == GC_G_RUNNING;
}

enum gc_spin_outcome {
    GC_SPIN_WOKEN,     /* gc_ready(g) happened */
    GC_SPIN_TIMEOUT,   /* the deadline passed */
    GC_SPIN_PREEMPTED, /* the spinner lost its CPU */
    GC_SPIN_REFUSED    /* enough threads spin already: no spin */
};

/* Spins on g's wake word until woken or deadline (CLOCK_MONOTONIC ns). */
static enum gc_spin_outcome gc_spin(struct gc_g *g, int64_t deadline)
{
    if (!gc_spin_begin())
        return GC_SPIN_REFUSED;
    enum gc_spin_outcome outcome = GC_SPIN_TIMEOUT;
    int64_t prev = gochan_now();
    for (unsigned round = 1; outcome == GC_SPIN_TIMEOUT; round++) {
        for (unsigned i = 0; i < GC_SPIN_POLL && outcome == GC_SPIN_TIMEOUT; i++) {
            if (gc_woken(g))
                outcome = GC_SPIN_WOKEN;
            gc_cpu_relax();
        }
        if (outcome != GC_SPIN_TIMEOUT)
            break;
        if (round % GC_SPIN_YIELD_ROUNDS == 0)
            sched_yield();
        int64_t now = gochan_now();
        if (now - prev > GC_SPIN_PREEMPTED_NS)
            outcome = GC_SPIN_PREEMPTED;
        else if (now >= deadline)
            break;
        prev = now;
    }
    gc_spin_end();
    return outcome;
}

void gc_park_slow(struct gc_g *g)
{
    int64_t start = gochan_now();
    enum gc_spin_outcome spin = gc_spin(g, start + (GC_PARK_SPIN_NS >> g->spin_shift));
    if (spin == GC_SPIN_WOKEN) {
        gc_spin_result(g, true);
        return;
    }
    uint32_t parked = GC_G_PARKED;
    if (atomic_compare_exchange_strong_explicit(&g->wake, &parked, GC_G_SLEEPING,
                                                memory_order_acquire, memory_order_acquire)) {
        while (!gc_woken(g))
            gc_futex_wait(&g->wake, GC_G_SLEEPING, NULL);
    } /* else already RUNNING: woken while we decided to sleep */
    if (spin == GC_SPIN_PREEMPTED)
        gc_spin_result(g, false);
    else if (spin == GC_SPIN_TIMEOUT)
        gc_spin_result(g, gochan_now() - start < GC_PARK_SPIN_WORTH * GC_PARK_SPIN_NS);
}

void gc_park_forever(enum gochan_wait_reason reason)
{
    struct gc_g *g = gc_getg();
    GC_HOOK(block, g, reason, NULL, false);
    /* Nobody knows this word: only spurious wake-ups can end a wait. */
    _Atomic uint32_t never = 0;
    for (;;)
        gc_futex_wait(&never, 0, NULL);
}
