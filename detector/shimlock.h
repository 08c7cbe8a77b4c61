/*
 * shimlock.h: the detector's own locks, and the per-thread count that
 * tells a signal handler the interrupted thread is inside the detector.
 *
 * crace_busy counts, for the calling thread, the detector locks it holds
 * and the per-thread structures it is changing (its history ring, its
 * shadow call stack, its shadow overflow pool). While it is non-zero, a
 * signal delivered to the thread must not run the program's handler: the
 * handler's instrumented code and interceptors would take the same locks
 * (a deadlock on the thread itself) or write into the half-updated
 * structures. intercept_signal.c defers such a signal and runs it at the
 * next safe point. Only the thread itself and its signal handlers touch
 * its count, so a plain TLS integer is enough.
 *
 * Every detector lock is taken with crace_lock (the gc_lock of
 * runtime/src/lock.h, counted); the order between them is in
 * docs/internals.md and CRACE_FORK_HOOKS (fork.h).
 */
#ifndef CRACE_SHIMLOCK_H
#define CRACE_SHIMLOCK_H

#include "lock.h"
#include "rt.h"

extern CRACE_TLS int crace_busy;

static inline void crace_lock(gc_lock_t *l)
{
    crace_busy++;
    gc_lock(l);
}

static inline void crace_unlock(gc_lock_t *l)
{
    gc_unlock(l);
    crace_busy--;
}

#endif /* CRACE_SHIMLOCK_H */
