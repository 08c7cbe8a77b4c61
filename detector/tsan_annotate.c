/*
 * tsan_annotate.c: ThreadSanitizer's interface beyond the compiler ABI,
 * for programs that tell the detector about synchronisation it cannot
 * see (its public <sanitizer/tsan_interface.h> and the dynamic
 * annotations, Valgrind's names) and for its test suite (test.h's
 * barrier): a program or test written for ThreadSanitizer links and runs
 * under crace with the same meaning (tsan_annotate.h declares them). The
 * stub defines the same names as no-ops (the barrier works there too).
 *
 * Not here: the annotations that ignore synchronisation
 * (AnnotateIgnoreSyncBegin/End), which crace does not model; a program
 * using them fails to link rather than run with a meaning crace does not
 * give it.
 */
#include <stdint.h>
#include <string.h>

#include "access.h"
#include "intercept.h"
#include "invisible_barrier.h"
#include "lockorder.h"
#include "misuse.h"
#include "suppress.h"
#include "shadow.h"
#include "sync.h"
#include "tsan_annotate.h"

/* ---------------------------------------------------------------- test.h */

CRACE_EXPORT void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count)
{
    invisible_barrier_init(barrier, count);
}

CRACE_EXPORT void __tsan_testonly_barrier_wait(unsigned *barrier)
{
    invisible_barrier_wait(barrier);
}

/* The depth of the calling thread's shadow call stack. */
CRACE_EXPORT unsigned long __tsan_testonly_shadow_stack_current_size(void)
{
    crace_thread *t = crace_thr();
    return t ? t->depth : 0;
}

/* ---------------------------------------------------------------- happens-before */

/* A release or an acquire on addr by the calling thread, as a lock's or
 * a channel's (unless it ignores synchronisation: inside the shim). */
static void sync_on(uintptr_t addr, bool release)
{
    crace_thread *t = crace_thr();
    if (!t || t->in_shim)
        return;
    t->in_shim++;
    if (release)
        crace_release(t, addr);
    else
        crace_acquire(t, addr);
    t->in_shim--;
}

CRACE_EXPORT void __tsan_release(void *addr)
{
    sync_on((uintptr_t)addr, true);
}

CRACE_EXPORT void __tsan_acquire(void *addr)
{
    sync_on((uintptr_t)addr, false);
}

CRACE_EXPORT void AnnotateHappensBefore(const char *file, int line, const volatile void *addr)
{
    (void)file, (void)line;
    sync_on((uintptr_t)addr, true);
}

CRACE_EXPORT void AnnotateHappensAfter(const char *file, int line, const volatile void *addr)
{
    (void)file, (void)line;
    sync_on((uintptr_t)addr, false);
}

/* ---------------------------------------------------------------- locks of the program's own */

/*
 * A lock the detector does not see (a spin lock on an atomic flag, a
 * futex), described by AnnotateRWLock* or by the custom mutex interface,
 * gets the model of a pthread rwlock (intercept_pthread.c): a writer's
 * unlock releases into the lock's clock, which every locker acquires; a
 * reader's releases into a second clock, which only writers acquire, so
 * readers stay unordered with one another (a write made under a read lock
 * races with the other readers). The second clock and the writer's
 * ownership hang off the lock's sync object (ext, struct own_lock), not at
 * an address of their own: a lock may be a single byte (an atomic_flag),
 * the next byte another lock; nor in the sync object's owner fields, which
 * the pthread interceptors keep for a pthread lock at the same address
 * (a wrapper that annotates the mutex it uses). The lock-order graph sees
 * these locks like any other. What the annotations say is the lock's
 * state: a write lock taken while another goroutine holds it for writing
 * (a double lock), a read lock taken or a write lock let go while another
 * holds it, and a write unlock of a lock no one holds are misuse, as under
 * ThreadSanitizer. Not modelled: blocking (crace cannot see such a lock
 * wait, so it counts as running for the deadlock detector).
 */
struct own_lock {
    vclock_t readers;   /* the readers' releases */
    uint64_t owner_gid; /* the writer holding it, 0 if none */
    stack_id lock_stack;
    uint32_t recursion; /* the writer's levels */
    unsigned flags;     /* __tsan_mutex_create's (linker_init, not_static) */
};

static void own_lock_free(void *ext)
{
    struct own_lock *o = ext;
    vc_destroy(&o->readers);
    crace_free(o);
}

/* s's record, made on first use (under s's lock). NULL when s's ext is
 * another kind's (an address the program also uses as a barrier or a
 * WaitGroup, which an annotation cannot make a lock): the annotation then
 * orders through s's clock alone, and its misuse goes unseen, with
 * nothing misread. */
static struct own_lock *own_lock_of(sync_var *s)
{
    if (!s->ext) {
        struct own_lock *o = crace_alloc(sizeof(*o));
        vc_init(&o->readers);
        s->ext = o;
        s->ext_free = own_lock_free;
    }
    return s->ext_free == own_lock_free ? s->ext : NULL;
}

/* The same without making one: NULL when s has none. */
static struct own_lock *own_lock_if_any(sync_var *s)
{
    return s->ext && s->ext_free == own_lock_free ? s->ext : NULL;
}

/* t holds lock now (for writing unless read; by a try-lock if try), said
 * by `call` at pc. */
static void own_lock_acquired(crace_thread *t, const char *call, uintptr_t lock, bool read, bool try, uintptr_t pc)
{
    if (!t || t->in_shim)
        return;
    t->in_shim++;
    stack_id stack = crace_current_stack(t, pc);
    sync_var *s = sync_lock(lock, true, stack);
    struct own_lock *o = own_lock_of(s);
    if (!t->ignore_sync) {
        vc_join(&t->vc, &s->vc);
        if (!read && o)
            vc_join(&t->vc, &o->readers);
    }
    struct misuse_lock_info held = {0};
    if (o && o->owner_gid && o->owner_gid != t->gid) {
        held = (struct misuse_lock_info){o->owner_gid, o->lock_stack, s->creation};
        if (!read)
            o->owner_gid = 0; /* the annotations say this goroutine has it now */
    } else if (o && read && o->owner_gid == t->gid && o->recursion > 0) {
        /* A read lock of what the goroutine holds for writing itself: a
         * real rwlock would deadlock (or refuse). */
        held = (struct misuse_lock_info){t->gid, o->lock_stack, s->creation};
    }
    if (o && !read) {
        if (o->owner_gid == t->gid) {
            o->recursion++;
        } else {
            o->owner_gid = t->gid;
            o->lock_stack = stack;
            o->recursion = 1;
        }
    }
    sync_unlock(s);
    lo_acquired(t, lock, stack, (read ? LO_READ : 0) | (try ? LO_TRY : 0));
    t->in_shim--;
    if (held.owner_gid)
        misuse_lock_held(t, call, read, lock, &held, pc);
}

/* t is about to release lock (held for reading if read; every level of
 * a recursive hold if all), said by `call` at pc. Whether t held it, as
 * the lock-order graph knew. */
static bool own_lock_releasing(crace_thread *t, const char *call, uintptr_t lock, bool read, bool all,
                               uintptr_t pc)
{
    if (!t || t->in_shim)
        return false;
    t->in_shim++;
    /* Where a lock first seen here was created, should it be misused. */
    stack_id creation = sync_peek(lock) ? 0 : crace_current_stack(t, pc);
    sync_var *s = sync_lock(lock, true, creation);
    struct own_lock *o = own_lock_of(s);
    /* A reader's release goes to the readers' clock; with none (another
     * kind's object), to the lock's, which orders more, never less. */
    if ((!read || !o) && !t->ignore_sync)
        sync_release_locked(s, &t->vc);
    else if (!t->ignore_sync)
        vc_join(&o->readers, &t->vc);
    struct misuse_lock_info info = {0};
    enum misuse_holder bad = HOLDER_CALLER;
    if (o) {
        info = (struct misuse_lock_info){o->owner_gid, o->lock_stack, s->creation};
        if (!read && o->owner_gid == t->gid) {
            if (all || --o->recursion == 0)
                o->owner_gid = 0;
        } else if (!read) {
            bad = o->owner_gid ? HOLDER_OTHER : HOLDER_NONE;
            o->owner_gid = 0;
        } else if (o->owner_gid) {
            bad = HOLDER_OTHER; /* a read unlock of a lock held for writing */
        }
    }
    sync_unlock(s);
    crace_thread_tick(t);
    bool held = lo_released(t, lock);
    t->in_shim--;
    if (bad != HOLDER_CALLER)
        misuse_unlock(t, MISUSE_MUTEX, call, false, lock, bad, &info, pc);
    return held;
}

/* A new lock at lock: what the memory held before is forgotten. */
static void own_lock_forget(uintptr_t lock)
{
    crace_thread *t = crace_thr();
    if (t) {
        t->in_shim++;
        sync_free(lock);
        t->in_shim--;
    }
}

CRACE_EXPORT void AnnotateRWLockCreate(const char *file, int line, const volatile void *lock)
{
    (void)file, (void)line;
    own_lock_forget((uintptr_t)lock);
}

CRACE_EXPORT void AnnotateRWLockCreateStatic(const char *file, int line, const volatile void *lock)
{
    (void)file, (void)line, (void)lock; /* nothing to forget: its memory never held another */
}

CRACE_EXPORT void AnnotateRWLockDestroy(const char *file, int line, const volatile void *lock)
{
    AnnotateRWLockCreate(file, line, lock);
}

CRACE_EXPORT void AnnotateRWLockAcquired(const char *file, int line, const volatile void *lock, long is_w)
{
    (void)file, (void)line;
    own_lock_acquired(crace_thr(), "AnnotateRWLockAcquired", (uintptr_t)lock, !is_w, false, CALLER_PC());
}

CRACE_EXPORT void AnnotateRWLockReleased(const char *file, int line, const volatile void *lock, long is_w)
{
    (void)file, (void)line;
    own_lock_releasing(crace_thr(), "AnnotateRWLockReleased", (uintptr_t)lock, !is_w, false, CALLER_PC());
}

/*
 * The custom mutex interface of <sanitizer/tsan_interface.h>. Between a
 * pre and its post the lock's own code runs: its accesses and its atomics'
 * synchronisation are ignored (the ignore count), as ThreadSanitizer
 * ignores them; the post_lock's acquire and the pre_unlock's release say
 * what it does. Divert brackets the program's code that such a region
 * calls (a wait callback): checked again. A failed try-lock acquires
 * nothing. A recursive unlock (__tsan_mutex_recursive_unlock) releases
 * every level and returns their number, which the post_lock of the lock
 * that takes them back passes as its recursion.
 */
enum {
    TSAN_MUTEX_LINKER_INIT = 1 << 0,
    TSAN_MUTEX_READ_LOCK = 1 << 3,
    TSAN_MUTEX_TRY_LOCK = 1 << 4,
    TSAN_MUTEX_TRY_LOCK_FAILED = 1 << 5,
    TSAN_MUTEX_RECURSIVE_LOCK = 1 << 6,
    TSAN_MUTEX_RECURSIVE_UNLOCK = 1 << 7,
    TSAN_MUTEX_NOT_STATIC = 1 << 8,
    TSAN_MUTEX_CREATE_FLAGS = TSAN_MUTEX_LINKER_INIT | TSAN_MUTEX_NOT_STATIC,
};

/* A create forgets what the memory held before (not for a linker-
 * initialised mutex, which may be in use already), and keeps where it was
 * made and the flags that decide what a destroy does. */
CRACE_EXPORT void __tsan_mutex_create(void *addr, unsigned flags)
{
    if (!(flags & TSAN_MUTEX_LINKER_INIT))
        own_lock_forget((uintptr_t)addr);
    crace_thread *t = crace_thr();
    if (!t || t->in_shim)
        return;
    t->in_shim++;
    sync_var *s = sync_lock((uintptr_t)addr, true, crace_current_stack(t, CALLER_PC()));
    struct own_lock *o = own_lock_of(s);
    if (o)
        o->flags = flags & TSAN_MUTEX_CREATE_FLAGS;
    sync_unlock(s);
    t->in_shim--;
}

/* As ThreadSanitizer: a destroy is a no-op for a mutex created (or
 * destroyed) as linker-initialised, and one that says not_static for a
 * mutex not created so; any other destroys it, and one of a mutex a
 * goroutine holds for writing is a misuse. */
CRACE_EXPORT void __tsan_mutex_destroy(void *addr, unsigned flags)
{
    crace_thread *t = crace_thr();
    if (!t || t->in_shim)
        return;
    uintptr_t lock = (uintptr_t)addr;
    t->in_shim++;
    sync_var *s = sync_lock(lock, false, 0);
    struct own_lock *o = s ? own_lock_if_any(s) : NULL;
    unsigned made = o ? o->flags : 0;
    struct misuse_lock_info held = {0};
    if (o && o->owner_gid)
        held = (struct misuse_lock_info){o->owner_gid, o->lock_stack, s->creation};
    if (s)
        sync_unlock(s);
    bool noop = ((flags | made) & TSAN_MUTEX_LINKER_INIT) ||
                ((flags & TSAN_MUTEX_NOT_STATIC) && !(made & TSAN_MUTEX_NOT_STATIC));
    if (!noop && held.owner_gid)
        misuse_destroy_held(t, MISUSE_MUTEX, "__tsan_mutex_destroy", lock,
                            held.owner_gid == t->gid ? HOLDER_CALLER : HOLDER_OTHER, &held, CALLER_PC());
    t->in_shim--;
    if (!noop)
        own_lock_forget(lock);
}

CRACE_EXPORT void __tsan_mutex_pre_lock(void *addr, unsigned flags)
{
    (void)addr, (void)flags;
    crace_ignore_begin();
}

CRACE_EXPORT void __tsan_mutex_post_lock(void *addr, unsigned flags, int recursion)
{
    crace_ignore_end();
    if (flags & TSAN_MUTEX_TRY_LOCK_FAILED)
        return;
    crace_thread *t = crace_thr();
    int levels = (flags & TSAN_MUTEX_RECURSIVE_LOCK) && recursion > 1 ? recursion : 1;
    for (int i = 0; i < levels; i++)
        own_lock_acquired(t, "__tsan_mutex_post_lock", (uintptr_t)addr, flags & TSAN_MUTEX_READ_LOCK,
                          flags & TSAN_MUTEX_TRY_LOCK, CALLER_PC());
}

CRACE_EXPORT int __tsan_mutex_pre_unlock(void *addr, unsigned flags)
{
    crace_thread *t = crace_thr();
    int levels = 1;
    if (own_lock_releasing(t, "__tsan_mutex_pre_unlock", (uintptr_t)addr, flags & TSAN_MUTEX_READ_LOCK,
                           flags & TSAN_MUTEX_RECURSIVE_UNLOCK, CALLER_PC()) &&
        (flags & TSAN_MUTEX_RECURSIVE_UNLOCK))
        for (; lo_released(t, (uintptr_t)addr); levels++) /* the other levels: one release is enough */
            ;
    crace_ignore_begin();
    return (flags & TSAN_MUTEX_RECURSIVE_UNLOCK) ? levels : 0;
}

CRACE_EXPORT void __tsan_mutex_post_unlock(void *addr, unsigned flags)
{
    (void)addr, (void)flags;
    crace_ignore_end();
}

CRACE_EXPORT void __tsan_mutex_pre_signal(void *addr, unsigned flags)
{
    (void)addr, (void)flags;
    crace_ignore_begin();
}

CRACE_EXPORT void __tsan_mutex_post_signal(void *addr, unsigned flags)
{
    (void)addr, (void)flags;
    crace_ignore_end();
}

CRACE_EXPORT void __tsan_mutex_pre_divert(void *addr, unsigned flags)
{
    (void)addr, (void)flags;
    crace_ignore_end();
}

CRACE_EXPORT void __tsan_mutex_post_divert(void *addr, unsigned flags)
{
    (void)addr, (void)flags;
    crace_ignore_begin();
}

/* ---------------------------------------------------------------- what not to check */

/* Races on [mem, mem + size) are intended: not reported. */
CRACE_EXPORT void AnnotateBenignRaceSized(const char *file, int line, const volatile void *mem, unsigned long size,
                                          const char *desc)
{
    (void)file, (void)line, (void)desc;
    suppress_benign_add((uintptr_t)mem, size);
}

CRACE_EXPORT void AnnotateBenignRace(const char *file, int line, const volatile void *mem, const char *desc)
{
    AnnotateBenignRaceSized(file, line, mem, 1, desc);
}

/* WebKit's name for AnnotateBenignRaceSized. */
CRACE_EXPORT void WTFAnnotateBenignRaceSized(const char *file, int line, const volatile void *mem,
                                             unsigned long size, const char *desc)
{
    AnnotateBenignRaceSized(file, line, mem, size, desc);
}

/* The thread's synchronisation between the two orders nothing (thread.h,
 * ignore_sync): data a lock there protects is reported racing. */
CRACE_EXPORT void AnnotateIgnoreSyncBegin(const char *file, int line)
{
    (void)file, (void)line;
    crace_thread *t = crace_thr();
    if (t)
        t->ignore_sync++;
}

CRACE_EXPORT void AnnotateIgnoreSyncEnd(const char *file, int line)
{
    (void)file, (void)line;
    crace_thread *t = crace_thr();
    if (t && t->ignore_sync)
        t->ignore_sync--;
}

/* The program asserts that the calling thread holds no lock: a misuse
 * report (MISUSE OF MUTEX) names the one it took last, when it holds any. */
CRACE_EXPORT void __tsan_check_no_mutexes_held(void)
{
    crace_thread *t = crace_thr();
    uintptr_t lock;
    stack_id stack;
    if (t && !t->in_shim && lo_last_held(t, &lock, &stack))
        misuse_held(t, "__tsan_check_no_mutexes_held", lock, stack, CALLER_PC());
}

void crace_annotated_ignore_begin(uintptr_t pc)
{
    crace_thread *t = crace_thr();
    if (t && t->annotated_ignores++ == 0 && !t->in_shim) {
        t->in_shim++;
        t->ignore_stack = crace_current_stack(t, pc);
        t->in_shim--;
    }
    crace_ignore_begin();
}

void crace_annotated_ignore_end(void)
{
    crace_thread *t = crace_thr();
    if (t && t->annotated_ignores)
        t->annotated_ignores--;
    crace_ignore_end();
}

/* crace cannot tell a thread's reads from its writes apart here: either
 * bracket ignores both, as __tsan_ignore_thread_begin/end do. */
CRACE_EXPORT void AnnotateIgnoreReadsBegin(const char *file, int line)
{
    (void)file, (void)line;
    crace_annotated_ignore_begin(CALLER_PC());
}

CRACE_EXPORT void AnnotateIgnoreReadsEnd(const char *file, int line)
{
    (void)file, (void)line;
    crace_annotated_ignore_end();
}

CRACE_EXPORT void AnnotateIgnoreWritesBegin(const char *file, int line)
{
    (void)file, (void)line;
    crace_annotated_ignore_begin(CALLER_PC());
}

CRACE_EXPORT void AnnotateIgnoreWritesEnd(const char *file, int line)
{
    (void)file, (void)line;
    crace_annotated_ignore_end();
}

/* The memory [mem, mem + size) begins a new life: what was recorded of
 * it is forgotten, as for a block just allocated. */
CRACE_EXPORT void AnnotateNewMemory(const char *file, int line, const volatile void *mem, unsigned long size)
{
    (void)file, (void)line;
    crace_thread *t = crace_thr();
    if (t && !t->in_shim)
        crace_memory_fresh(t, (uintptr_t)mem, size);
}

/* Whether the program runs under a detector of the annotations: 0, as
 * ThreadSanitizer answers. Tools that drive the annotations look it up to
 * know that someone implements them (LLVM's OpenMP tool: openmp.c); the
 * stub leaves it undefined, so that run natively they stay off. */
CRACE_EXPORT int RunningOnValgrind(void)
{
    return 0;
}

/* Reports name goroutines by number. */
CRACE_EXPORT void AnnotateThreadName(const char *file, int line, const char *name)
{
    (void)file, (void)line, (void)name;
}

/* ---------------------------------------------------------------- older annotations */

/* WebKit's names for the happens-before pair. */
CRACE_EXPORT void WTFAnnotateHappensBefore(const char *file, int line, const volatile void *addr)
{
    AnnotateHappensBefore(file, line, addr);
}

CRACE_EXPORT void WTFAnnotateHappensAfter(const char *file, int line, const volatile void *addr)
{
    AnnotateHappensAfter(file, line, addr);
}

/* A signal of cv happens before a wait on it that returns: older
 * dynamic_annotations.h headers define ANNOTATE_HAPPENS_BEFORE and _AFTER
 * as these (ThreadSanitizer v2 made them no-ops, and such programs then
 * meet false alarms there; Helgrind honours them). */
CRACE_EXPORT void AnnotateCondVarSignal(const char *file, int line, const volatile void *cv)
{
    AnnotateHappensBefore(file, line, cv);
}

CRACE_EXPORT void AnnotateCondVarSignalAll(const char *file, int line, const volatile void *cv)
{
    AnnotateHappensBefore(file, line, cv);
}

CRACE_EXPORT void AnnotateCondVarWait(const char *file, int line, const volatile void *cv, const volatile void *lock)
{
    (void)lock;
    AnnotateHappensAfter(file, line, cv);
}

/* A producer-consumer queue the detector cannot see: each put happens
 * before the gets that follow it (every put before every later get:
 * more order than one item's hand-off, as Helgrind models it). */
CRACE_EXPORT void AnnotatePCQCreate(const char *file, int line, const volatile void *pcq)
{
    (void)file, (void)line, (void)pcq;
}

CRACE_EXPORT void AnnotatePCQDestroy(const char *file, int line, const volatile void *pcq)
{
    (void)file, (void)line, (void)pcq;
}

CRACE_EXPORT void AnnotatePCQPut(const char *file, int line, const volatile void *pcq)
{
    AnnotateHappensBefore(file, line, pcq);
}

CRACE_EXPORT void AnnotatePCQGet(const char *file, int line, const volatile void *pcq)
{
    AnnotateHappensAfter(file, line, pcq);
}

/* A race the program's own test expects at mem: not reported, as
 * ThreadSanitizer does not (it uses these in its own tests). Whether it
 * happened is not checked (AnnotateFlushExpectedRaces). */
CRACE_EXPORT void AnnotateExpectRace(const char *file, int line, const volatile void *mem, const char *desc)
{
    AnnotateBenignRaceSized(file, line, mem, 1, desc);
}

/* The rest say nothing a happens-before detector uses (ThreadSanitizer
 * v2 ignores them too). */
CRACE_EXPORT void AnnotateFlushExpectedRaces(const char *file, int line)
{
    (void)file, (void)line;
}

CRACE_EXPORT void AnnotatePublishMemoryRange(const char *file, int line, const volatile void *mem,
                                             unsigned long size)
{
    (void)file, (void)line, (void)mem, (void)size;
}

CRACE_EXPORT void AnnotateUnpublishMemoryRange(const char *file, int line, const volatile void *mem,
                                               unsigned long size)
{
    (void)file, (void)line, (void)mem, (void)size;
}

CRACE_EXPORT void AnnotateMutexIsUsedAsCondVar(const char *file, int line, const volatile void *mu)
{
    (void)file, (void)line, (void)mu;
}

CRACE_EXPORT void AnnotateMutexIsNotPHB(const char *file, int line, const volatile void *mu)
{
    (void)file, (void)line, (void)mu;
}

CRACE_EXPORT void AnnotateEnableRaceDetection(const char *file, int line, int enable)
{
    (void)file, (void)line, (void)enable;
}

CRACE_EXPORT void AnnotateTraceMemory(const char *file, int line, const volatile void *mem)
{
    (void)file, (void)line, (void)mem;
}

CRACE_EXPORT void AnnotateFlushState(const char *file, int line)
{
    (void)file, (void)line;
}

CRACE_EXPORT void AnnotateNoOp(const char *file, int line, const volatile void *arg)
{
    (void)file, (void)line, (void)arg;
}

CRACE_EXPORT void AnnotateMemoryIsInitialized(const char *file, int line, const volatile void *mem,
                                              unsigned long size)
{
    (void)file, (void)line, (void)mem, (void)size;
}

CRACE_EXPORT void AnnotateMemoryIsUninitialized(const char *file, int line, const volatile void *mem,
                                                unsigned long size)
{
    (void)file, (void)line, (void)mem, (void)size;
}

/* How much slower the program runs: tests scale their timeouts by it
 * (ThreadSanitizer answers 10; crace's slowdowns are about half of its). */
CRACE_EXPORT double ValgrindSlowdown(void)
{
    return 5.0;
}

/* crace is a pure happens-before detector, the one question asked. */
CRACE_EXPORT const char *ThreadSanitizerQuery(const char *query)
{
    return query && strcmp(query, "pure_happens_before") == 0 ? "1" : "0";
}
