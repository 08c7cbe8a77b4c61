/*
 * fork.h: the detector's state across fork() (intercept_fork.c).
 *
 * The guarantee: the child of a fork starts with a consistent detector.
 * Every internal lock is taken by the forking thread right before the
 * real fork, so no other thread is half-way through an update of a table
 * when its memory is copied; the parent releases them, the child makes
 * them free again and forgets the threads that do not exist in it.
 *
 * Each module with internal locks has one hook, called with the phase:
 *   PREPARE  takes the module's locks (in the forking thread, last of all
 *            the program's fork handlers: see intercept_fork.c);
 *   PARENT   releases them;
 *   CHILD    makes them free by storing 0 (no waiter of the parent exists
 *            in the child, so there is nobody to wake) and drops what
 *            belonged to the parent's other threads.
 *
 * CRACE_FORK_HOOKS is the detector's lock order (docs/internals.md): a
 * lock is never waited for while one below it is held. libdw allocates
 * and frees under dwfl_lock and gc_sym_lock, and every free() looks its
 * block up under a heap stripe lock: both come before the tables. PREPARE calls the
 * hooks top to bottom; PARENT and CHILD bottom to top.
 */
#ifndef CRACE_FORK_H
#define CRACE_FORK_H

#include <stdatomic.h>

#include "lock.h"

enum crace_fork_phase { CRACE_FORK_PREPARE, CRACE_FORK_PARENT, CRACE_FORK_CHILD };

#define CRACE_FORK_HOOKS(X)                                                 \
    X(dl_fork)           /* deadlock.c: dl_lock (reports render under it) */ \
    X(crace_thread_fork) /* thread.c: reg_lock */                           \
    X(report_fork)       /* report.c: dwfl_lock, then dedup_lock (a leaf) */ \
    X(symbolize_fork)    /* symbolize.c: gc_sym_lock */                     \
    X(sync_fork)         /* sync.c: its gate, bucket locks in index order, free_lock */ \
    X(depot_fork)        /* stackdepot.c: bucket, then dir_lock or store_lock */ \
    X(heap_fork)         /* heap.c: every stripe lock, in index order */    \
    X(lo_fork)           /* lockorder.c: lo_lock (a leaf) */                \
    X(misuse_fork)       /* misuse.c: misuse_lock (a leaf) */               \
    X(chan_fork)         /* intercept_chan.c: busy_lock (a leaf) */         \
    X(module_fork)       /* module.c: rebuild_lock (then the loader's) */   \
    X(signal_fork)       /* intercept_signal.c: sig_lock (a leaf) */        \
    X(report_json_fork)  /* report_json.c: json_lock (a leaf) */            \
    X(output_fork)       /* output.c: out_lock (a leaf) */                  \
    X(fd_lifetime_fork)  /* fd_lifetime.c: no lock; the child's fresh table */

#define CRACE_FORK_HOOK_DECL(name) void name(enum crace_fork_phase phase);
CRACE_FORK_HOOKS(CRACE_FORK_HOOK_DECL)
#undef CRACE_FORK_HOOK_DECL

/* The common case of a hook: one lock through the three phases. */
static inline void crace_fork_lock(gc_lock_t *l, enum crace_fork_phase phase)
{
    switch (phase) {
    case CRACE_FORK_PREPARE:
        gc_lock(l);
        break;
    case CRACE_FORK_PARENT:
        gc_unlock(l);
        break;
    case CRACE_FORK_CHILD:
        atomic_store_explicit(&l->state, 0, memory_order_relaxed);
        break;
    }
}

#endif /* CRACE_FORK_H */
