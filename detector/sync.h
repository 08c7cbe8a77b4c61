/*
 * sync.h: synchronisation objects (mutexes, condvars, semaphores, atomics
 * used with release/acquire, pthread_t for join, channel slots...) keyed
 * by address, each with a vector clock, and the happens-before operations
 * on them.
 *
 * A hash table of SYNC_BUCKETS buckets, each a gc_lock and a chain. Lock
 * order: a bucket lock is a leaf; nothing else is taken while it is held
 * and nothing calls back into the program.
 */
#ifndef CRACE_SYNC_H
#define CRACE_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "stackdepot.h"
#include "thread.h"
#include "vclock.h"

typedef struct sync_var {
    uintptr_t addr;
    struct sync_var *next; /* bucket chain */
    vclock_t vc;           /* released clocks */
    stack_id creation;     /* where it was first seen */
    uint64_t creator_gid;
    /* Mutex bookkeeping (deadlock and misuse reports). */
    uint64_t owner_gid;    /* 0 when not held exclusively */
    stack_id lock_stack;   /* where the owner locked it */
    uint32_t recursion;
    uint32_t flags;
    void *ext;             /* kind-specific record (a channel's slot clocks), owned */
    void (*ext_free)(void *ext);
    /* A condition variable's binding (misuse.c): the mutex of the waits in
     * progress (waiters of them), set by the first of them, whose
     * goroutine and stack these are. Free again when waiters drops to 0. */
    struct sync_cond_binding {
        uintptr_t mutex;
        uint64_t gid;
        stack_id stack;
        uint32_t waiters;
    } cond;
} sync_var;

void sync_init(void);

/* The object at addr with its bucket locked, created (with creation stack
 * creation) when absent and create is set; NULL (and nothing locked) when
 * absent otherwise. */
sync_var *sync_lock(uintptr_t addr, bool create, stack_id creation);
void sync_unlock(sync_var *s);
/* Forgets the object at addr (destroyed, or its memory freed). */
void sync_free(uintptr_t addr);
/* Forgets every object in [addr, addr + size); returns whether there
 * was any (so callers can skip their own per-object cleanup). */
bool sync_free_range(uintptr_t addr, size_t size);

/* t's clock joins addr's (acquire); addr's joins t's (release) and t
 * advances; release_store replaces addr's clock with t's; acq_rel does an
 * acquire then a release_store (Go's racereleaseacquire). Atomic
 * operations do their own clock operations under the object's lock
 * (tsan_atomic.c), around the real operation. */
void crace_acquire(crace_thread *t, uintptr_t addr);
void crace_release(crace_thread *t, uintptr_t addr);
void crace_release_store(crace_thread *t, uintptr_t addr);
void crace_acq_rel(crace_thread *t, uintptr_t addr);

#endif /* CRACE_SYNC_H */
