/*
 * lockorder.h: lock-order inversions (potential deadlocks), found as
 * ThreadSanitizer's deadlock detector and Linux lockdep find them.
 *
 * Every thread keeps the list of locks it holds, each with the stack where
 * it was taken. Acquiring lock M while holding H adds the edge H -> M to
 * one global lock-order graph; an edge that closes a cycle is reported
 * (WARNING: POTENTIAL DEADLOCK) even when the run never deadlocked.
 * Documented in detail in lockorder.c.
 */
#ifndef CRACE_LOCKORDER_H
#define CRACE_LOCKORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stackdepot.h"
#include "thread.h"

/* How a lock was acquired. */
enum lo_flags {
    LO_TRY = 1,    /* a trylock: held, but it adds no edges (it cannot block) */
    LO_READ = 2,   /* a read lock of an rwlock */
    LO_RWLOCK = 4, /* what the lock is, for reports: an rwlock, */
    LO_SPIN = 8,   /* a spinlock, */
    LO_ROBUST = 16, /* a robust mutex, which a thread may end holding (the next owner gets EOWNERDEAD) */
};

/* t acquired lock (flags: enum lo_flags) at stack. With nothing else held
 * this only appends to t's list: no global lock. */
void lo_acquired(crace_thread *t, uintptr_t lock, stack_id stack, unsigned flags);
/* t releases lock (before the real unlock). Returns whether t held it. */
bool lo_released(crace_thread *t, uintptr_t lock);
/* Whether t holds lock (in any mode). */
bool lo_holds(const crace_thread *t, uintptr_t lock);
/* The same, and where t took it (the latest of a recursive hold). */
bool lo_held_at(const crace_thread *t, uintptr_t lock, stack_id *stack);
/* The lock t took last of those it holds, and where: false when none. */
bool lo_last_held(const crace_thread *t, uintptr_t *lock, stack_id *stack);
/* The lock at this address is gone (destroyed, re-initialised, its memory
 * freed): forget its node and every edge into or out of it. */
void lo_forget(uintptr_t lock);
/* The same for every lock in [addr, addr + size) (freed memory: for
 * sync_free_range). Scans the whole graph: call it only for memory that
 * held synchronisation objects. */
void lo_forget_range(uintptr_t addr, size_t size);
/* t ends: still_held(t, lock, stack, flags) is called for each lock it
 * still holds (where it took it, and the lock's enum lo_flags: LO_READ
 * and the kind it was taken with), then its held list and edge cache are
 * freed. */
void lo_thread_exit(crace_thread *t, void (*still_held)(crace_thread *t, uintptr_t lock, stack_id stack,
                                                        unsigned flags));

#endif /* CRACE_LOCKORDER_H */
