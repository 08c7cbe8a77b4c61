/*
 * sync.h: synchronisation objects (mutexes, condvars, semaphores, atomics
 * used with release/acquire, pthread_t for join, channel slots...) keyed
 * by address, each with a vector clock, and the happens-before operations
 * on them.
 *
 * A hash table of SYNC_BUCKETS chains. Each object has its own lock,
 * which guards every field but addr and next; sync_lock finds an object
 * without a lock and takes only the object's. A bucket's lock (one of
 * SYNC_STRIPES, each shared by many buckets) orders the changes of its
 * chain (creation, forgetting). Lock order: a bucket lock, then an object
 * lock of its chain; an object lock is a leaf: nothing
 * else is taken while it is held, and nothing calls back into the
 * program.
 *
 * Objects are type-stable: a forgotten one goes to a free list, never
 * back to the allocator, so a lookup racing with sync_free reads a live
 * object (perhaps another address's by now), never freed memory; it
 * checks addr again once it holds the object's lock.
 */
#ifndef CRACE_SYNC_H
#define CRACE_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "lock.h"
#include "shimlock.h"
#include "stackdepot.h"
#include "thread.h"
#include "vclock.h"

/* Clock entries kept in the object's first cache line, beside its lock:
 * an atomic or a lock used by up to this many thread slots (the main
 * thread and two others) moves its clock without touching another line. */
#define SYNC_VC_INLINE 3

typedef struct sync_var {
    /* The first cache line: what every operation on the object uses. */
    gc_lock_t lock;
    /* vc's version (sync_vc_changing, sync_vc_changed): odd while a
     * change is under way, even otherwise; it never goes back to a value
     * it had before a change (short of 2^31 changes, when the 32 bits
     * wrap), nor when the object is forgotten and reused: the version
     * goes on. Written under lock, read without it: an
     * acquire that finds the version it joined last, before and after it
     * reads the value, has nothing to take and takes no lock (tsan_atomic.c,
     * a loop of failing compare-exchanges or acquire loads waiting for
     * another thread). In the lock's padding: one line for both. */
    _Atomic uint32_t vc_version;
    _Atomic uintptr_t addr;        /* 0 once forgotten; changed under lock */
    struct sync_var *_Atomic next; /* bucket chain; changed under the bucket lock */
    vclock_t vc;                   /* released clocks */
    crace_clock_t vc_inline[SYNC_VC_INLINE]; /* vc's storage while it fits */
    stack_id creation;     /* where it was first seen */
    /* An atomic variable's release sequences (tsan_atomic.c): the
     * goroutine (gid, low 32 bits) whose release heads the one vc holds,
     * SYNC_RELSEQ_NONE, or SYNC_RELSEQ_SEVERAL when release RMWs of
     * more than two goroutines joined theirs, or a release other than an
     * atomic's did (an annotation's, crace_release): a relaxed store then
     * keeps vc. relseq_head2 is the second goroutine whose release RMW
     * joined, SYNC_RELSEQ_NONE while there is none (always, when
     * relseq_head is NONE or SEVERAL): a relaxed store by either keeps vc,
     * one by any other goroutine ends both sequences.
     * Changed under lock, read without it as a hint (sync_peek): atomic.
     * Not in the lock's padding, where every RMW would read it from the
     * first cache line: measured slower there (an array of a million
     * atomic counters, 0.72 s -> 0.98 s single-threaded). */
    uint32_t relseq_head, relseq_head2;
    uint64_t creator_gid;
    /* Mutex bookkeeping (deadlock and misuse reports). */
    uint64_t owner_gid;    /* 0 when not held exclusively */
    stack_id lock_stack;   /* where the owner locked it */
    uint32_t recursion;
    /* The object's own memory (crace_pt_object, intercept_pthread.c): its
     * last init, a plain write, as a shadow cell (0: none), for the locks
     * that find its record in the shadow replaced. */
    shadow_cell init_cell;
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

#define SYNC_RELSEQ_NONE 0u
#define SYNC_RELSEQ_SEVERAL UINT32_MAX

/* s (locked) took a release that is no atomic operation's (an unlock, an
 * annotation): a relaxed store must not drop s's clock as the end of a
 * release sequence (relseq_head). */
/* s's release-sequence heads (s locked, or s being created). */
static inline void sync_relseq_set(sync_var *s, uint32_t head, uint32_t head2)
{
    __atomic_store_n(&s->relseq_head, head, __ATOMIC_RELAXED);
    __atomic_store_n(&s->relseq_head2, head2, __ATOMIC_RELAXED);
}

static inline void sync_released_elsewhere(sync_var *s)
{
    sync_relseq_set(s, SYNC_RELSEQ_SEVERAL, SYNC_RELSEQ_NONE);
}

/* s (locked) is about to change its clock: its version turns odd, and
 * a reader that meets the value the change goes with sees that (the
 * fence orders this store before the operation's own, even a relaxed
 * one's). sync_vc_changed ends the change (changed: whether vc did). */
static inline void sync_vc_changing(sync_var *s)
{
    uint32_t v = atomic_load_explicit(&s->vc_version, memory_order_relaxed);
    atomic_store_explicit(&s->vc_version, v + 1, memory_order_relaxed);
#if !defined(__SANITIZE_THREAD__)
    /* gcc's ThreadSanitizer refuses fences (-Wtsan); the engine built
     * under it (make san-test) runs on x86, whose stores are seen in the
     * order they were made. */
    atomic_thread_fence(memory_order_release);
#endif
}

static inline void sync_vc_changed(sync_var *s, bool changed)
{
    uint32_t v = atomic_load_explicit(&s->vc_version, memory_order_relaxed);
    atomic_store_explicit(&s->vc_version, changed ? v + 1 : v - 1, memory_order_release);
}

/* Both at once, for a change that publishes no value of its own (an
 * unlock, an annotation). */
static inline void sync_vc_bump(sync_var *s)
{
    sync_vc_changing(s);
    sync_vc_changed(s, true);
}

/* Such a release of vc into s (locked). */
static inline void sync_release_locked(sync_var *s, const vclock_t *vc)
{
    vc_join(&s->vc, vc);
    sync_vc_bump(s);
    sync_released_elsewhere(s);
}

void sync_init(void);

/* The object at addr with its lock held, created (with creation stack
 * creation) when absent and create is set; NULL (and nothing locked) when
 * absent otherwise. */
sync_var *sync_lock(uintptr_t addr, bool create, stack_id creation);
/* The object at addr, not locked, or NULL: its fields may be read (the
 * memory is type-stable) but are only a hint, as the object may change,
 * or be forgotten and reused for another address, at any moment. */
sync_var *sync_peek(uintptr_t addr);
/* sync_lock(addr, false, 0) for an object sync_peek(addr) returned: the
 * same without a second lookup when it is still addr's. */
sync_var *sync_lock_found(sync_var *s, uintptr_t addr);
static inline void sync_unlock(sync_var *s)
{
    crace_unlock(&s->lock);
}
/* Forgets the object at addr (destroyed, or its memory freed). Takes its
 * lock: never called with an object lock held. */
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
