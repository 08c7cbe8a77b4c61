/*
 * intercept_pthread.c: threads and the pthread synchronisation objects
 * (mutexes, spinlocks, rwlocks, condvars, barriers, once), as
 * happens-before edges for the engine.
 *
 * The model, as ThreadSanitizer and Go's race detector draw it:
 *   - pthread_create happens before the child starts; the child's end
 *     happens before a successful join returns.
 *   - An unlock of a mutex or spinlock happens before every later lock.
 *   - rwlocks have two clocks (Go's sync.RWMutex model, see "rwlocks").
 *   - signal/broadcast happen before a waiter wakes (besides the mutex).
 *   - Every arrival at a barrier round happens before every departure
 *     from it (per-round clocks, see "barriers").
 *   - pthread_once's init function happens before every return of
 *     pthread_once on that object.
 * Each edge is a release on an object's address before the real call that
 * publishes, and an acquire after the real call that observes, so nothing
 * the program does between the two can slip past it. No hook holds a shim
 * lock across a real call: the engine's locks are leaves (sync.h).
 *
 * The shared helpers at the top (crace_pt_*) are also used by
 * intercept_c11.c, whose <threads.h> functions are the same objects under
 * other names.
 */
#include <errno.h>
#include <libunwind.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "access.h"
#include "deadlock.h"
#include "glibc_state.h"
#include "intercept.h"
#include "intercept_pthread.h"
#include "lock.h"
#include "lockorder.h"
#include "misuse.h"
#include "module.h"
#include "options.h"
#include "rt.h"
#include "shadow.h"
#include "sync.h"
#include "thread.h"

/* ================================================================ shared */

/* The record of thr writing the first byte of the object at obj now, as
 * an init or a destroy does (atomic: as a lock's use does); see
 * crace_pt_object. */
static shadow_cell object_cell(const crace_thread *thr, uintptr_t obj, bool atomic)
{
    return sc_make(thr->epoch, 1u << (obj & 7), true, atomic);
}

/* addr is a new object (its init succeeded): forget what the memory held
 * before and record where it was created. */
void crace_pt_sync_reset(crace_thread *thr, uintptr_t addr, uintptr_t pc)
{
    crace_pt_sync_forget(addr);
    sync_var *s = sync_lock(addr, true, crace_current_stack(thr, pc));
    /* The init's write, which crace_pt_object logged (same epoch). */
    if (crace_pc_instrumented(pc) && !crace_ignoring(thr))
        s->init_cell = object_cell(thr, addr, false);
    sync_unlock(s);
}

/*
 * The synchronisation object's own memory, as ThreadSanitizer models it:
 * an init or a destroy writes it, every use (a lock, a barrier wait)
 * writes it atomically (uses never race with one another). A use not
 * ordered after the init (a thread locking a mutex another one is still
 * initialising, or initialised without publishing it) or an init or
 * destroy not ordered after a use (a mutex destroyed while another thread
 * may still lock it) is then a data race on the object, reported as any
 * other, on its first byte.
 *
 * An init or a destroy (PT_OBJ_WRITE) is a plain write in the shadow. An
 * exclusive lock's use is an atomic write there too, checked and recorded
 * before the lock's acquire (the lock itself must not be what orders it
 * after anything: crace_pt_mutex_post_lock), so that a plain write of the
 * mutex (an assignment of PTHREAD_MUTEX_INITIALIZER, a memset) that
 * nothing orders with a lock is a race as well, either way round (Go's
 * TestRaceMutexOverwrite). The lock orders its uses one after another:
 * each new record replaces the last. It also checks the init kept in the
 * sync object: an atomic write that replaced the init's record in the
 * shadow (the initialising thread's own first lock) leaves it there for
 * another thread's lock. Uses that are not exclusive: a read lock
 * (PT_OBJ_SHARED) is an atomic read of the object, as ThreadSanitizer
 * records it, before the real call, each reader keeping its own record,
 * so that a destroy, a free or a plain write that a reader's use is not
 * ordered before is a race, as with a mutex (only checked, a reader that
 * had unlocked before the unordered destroy went unseen; about 300
 * instructions a read lock, 2 to 4 readers taking turns, where both
 * ThreadSanitizers spend more on the whole lock and unlock than crace
 * does with it); a barrier wait (PT_OBJ_USE)
 * is recorded at its arrival, which every departure of the round
 * follows.
 *
 * A condition variable's init and destroy write it too, and a signal, a
 * broadcast and the start of a wait use it (in the shadow: they are not
 * exclusive). Not the end of a wait: POSIX lets a program destroy a
 * condition variable as soon as no thread is blocked on it, before a
 * woken waiter has returned; the use at the start comes before the wait
 * releases its mutex, so whoever takes the mutex and then destroys it is
 * ordered after it. A signal made after unlocking, by a thread the
 * destroyer never waited for, is the race this finds (the signaller may
 * touch freed memory). Semaphores are left out: a poster may still be
 * inside sem_post when the waiter it woke destroys the semaphore, which
 * glibc makes safe.
 *
 * A shared use (PT_OBJ_USE) is recorded as any atomic operation is
 * (crace_access_atomic): each thread rewrites its own record in place,
 * where the general store would drop the other threads' records, ordered
 * before it, and make each of their next uses miss (two threads handing
 * a condition variable back and forth: 345 instructions a round trip).
 * An exclusive lock's use stays on the general store
 * (crace_pt_mutex_post_lock), which keeps one record for all its users:
 * four threads taking turns on a mutex through the atomic path ran 5 %
 * more instructions.
 *
 * Only from instrumented code: a library crace does not see into may
 * order its uses in ways crace cannot see.
 */
void crace_pt_object(crace_thread *thr, uintptr_t obj, enum pt_object_op op, uintptr_t pc)
{
    if (!crace_pc_instrumented(pc) || crace_ignoring(thr))
        return;
    crace_busy++;
    switch (op) {
    case PT_OBJ_WRITE:
        crace_access(thr, obj, 1, true, false, pc);
        break;
    case PT_OBJ_USE:
        crace_access_atomic(thr, obj, 1, true, pc);
        break;
    case PT_OBJ_SHARED:
        crace_access_atomic(thr, obj, 1, false, pc);
        break;
    }
    crace_busy--;
}

/* The object at addr is gone (destroyed): its clock, its bookkeeping and
 * its place in the lock-order graph. */
void crace_pt_sync_forget(uintptr_t addr)
{
    sync_free(addr);
    lo_forget(addr);
}

/* thr is about to block forever in reason (a pthread call) on obj, called
 * at stack: the deadlock detector's bracket opens; dl_unblock closes it. */
void crace_pt_block(crace_thread *thr, const char *reason, int kind, uintptr_t obj, stack_id stack)
{
    dl_block(thr, reason, (enum wait_object)kind, obj, 0, NULL, stack);
}

/* Before a join or a detach (call, at pc) of th: the thread it names,
 * for crace_thread_joined; a handle whose thread was joined or detached
 * already is a misuse, and so is one that names no thread at all (never
 * set, or corrupted: glibc's call reads and writes through it). A handle
 * crace does not know may still name a thread created before the shim
 * started: glibc's own header of the thread decides. */
crace_thread *crace_pt_thread_target(crace_thread *thr, pthread_t th, const char *call, uintptr_t pc)
{
    bool spent;
    crace_thread *target = crace_thread_joinable(th, &spent);
    if (spent)
        misuse_thread_gone(thr, call, (uintptr_t)th, pc);
    else if (!target && glibc_thread_handle_plausible(th) == 0)
        misuse_thread_invalid(thr, call, (uintptr_t)th, pc);
    return target;
}

/* A lock call that finds its mutex taken watches the lock word a short
 * while before it blocks, as glibc's adaptive mutexes and Go's sync.Mutex
 * do. The detector's work inside a critical section (the acquire's clock
 * join, accesses in a new epoch, the release) makes it several times
 * longer, so a lock finds its mutex taken far more often than the program
 * alone would; glibc's lock then marks the mutex contended and sleeps in
 * the kernel, or finds it free again on the way in, and every unlock of a
 * mutex marked contended makes a futex call, waiter or not: a convoy (the
 * `mutex` benchmark made 11 million futex calls for 8 million locks, and
 * spent half its time in the kernel). Only the timing changes: the call
 * still takes the mutex, or blocks, as glibc's would.
 *
 * The lock word is read after 1, 2, 4... pauses, at most LOCK_SPIN_MAX_GAP
 * apart: each read takes a copy of its cache line, which often holds the
 * data the mutex guards, from the holder (reading after every pause made
 * the benchmark slower than not spinning at all). No spin when the
 * process may run on one CPU only: the holder could not run meanwhile. */
#define LOCK_SPIN_MAX_GAP 128
static long lock_spin_budget;

/* After the shim's own start (init.c's constructor, 101), which reads the
 * options; 0 until then: a lock taken earlier blocks at once. */
__attribute__((constructor(102))) static void lock_spin_init(void)
{
    crace_init();
    cpu_set_t cpus;
    long n = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : sysconf(_SC_NPROCESSORS_ONLN);
    lock_spin_budget = n > 1 ? crace_opts.lock_spin : 0;
}

/* Pauses until the mutex at m reads free or the budget (pauses left,
 * which the caller keeps across its tries) is spent. True when it read
 * free: the caller tries to lock it again. */
bool crace_pt_lock_spin(const void *m, long *budget)
{
    for (long gap = 1; *budget > 0; gap = gap < LOCK_SPIN_MAX_GAP ? 2 * gap : gap) {
        for (long i = 0; i < gap && *budget > 0; i++, --*budget) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
        if (!glibc_mutex_held(m))
            return true;
    }
    return false;
}

long crace_pt_lock_spin_budget(void)
{
    return lock_spin_budget;
}

/* A lock that would block: a trylock first, so that only a lock that
 * really waits is bracketed for the deadlock detector (which costs a
 * stack). A mutex that checks its owner and is held by the caller fails
 * at once (EDEADLK) instead of blocking. */
static bool mutex_would_block_forever(crace_thread *thr, pthread_mutex_t *m)
{
    if (glibc_mutex_pshared(m))
        return false; /* another process may hold it: a wait crace cannot see the end of */
    if (!crace_pt_mutex_checks_owner(m))
        return true;
    sync_var *s = sync_lock((uintptr_t)m, false, 0);
    bool self = s && s->owner_gid == thr->gid && s->recursion > 0;
    if (s)
        sync_unlock(s);
    return !self;
}

/* After a successful lock of the mutex (or spinlock, or write-locked
 * rwlock) at m: every earlier unlock happens before; thr owns it. The
 * owner, its lock stack and the recursion depth are for deadlock and misuse
 * reports. The lock stack doubles as the creation stack of objects never
 * passed to an init (static initialisers). flags (enum lo_flags) tell the
 * lock-order graph how it was taken. stack is the lock's: a blocking lock
 * takes it before the real call, so that its critical section (and the
 * time other threads wait for it) does not include a stack capture. */
static unsigned robust_flag(const pthread_mutex_t *m);

void crace_pt_mutex_post_lock(crace_thread *thr, uintptr_t m, unsigned flags, stack_id stack, uintptr_t pc)
{
    /* The object's memory, as crace_pt_object explains: the lock's use,
     * an atomic write of its first byte, before the acquire. */
    bool instrumented = crace_pc_instrumented(pc);
    shadow_cell use = instrumented && !crace_ignoring(thr) ? object_cell(thr, m, true) : 0;
    if (use) {
        crace_busy++;
        crace_access_granule(thr, m, 1, true, true, pc);
        crace_busy--;
    }
    /* The acquire and the owner bookkeeping under one lookup. */
    sync_var *s = sync_lock(m, true, stack);
    shadow_cell racy = use && s->init_cell && !sc_happens_before(s->init_cell, thr) ? s->init_cell : 0;
    if (!thr->ignore_sync)
        vc_join(&thr->vc, &s->vc);
    if (s->owner_gid == thr->gid && s->recursion > 0) {
        s->recursion++;
    } else {
        s->owner_gid = thr->gid;
        s->lock_stack = stack;
        s->recursion = 1;
    }
    sync_unlock(s);
    if (CRACE_UNLIKELY(racy))
        crace_report_race(thr, m, 1, use, racy, pc);
    /* LLVM's OpenMP tool shadows each OpenMP lock and critical section
     * with a mutex of its own, locked inside the tool once the runtime
     * has granted the lock: held (its owner is known), but adding no
     * lock-order edge. Its order would be the OpenMP locks' order, seen
     * late and with the tool's frames for the program's, and an OpenMP
     * program nesting two locks one way, then after a barrier the other,
     * was reported to deadlock; ThreadSanitizer with the same tool looks
     * at none of it (it ignores uninstrumented modules). */
    if (crace_pc_in_openmp_tool(pc))
        flags |= LO_TRY;
    /* A mutex (neither kind below; C11's mtx_t is glibc's mutex) may be
     * robust: the held list says so for lo_thread_exit. */
    if (!(flags & (LO_SPIN | LO_RWLOCK)))
        flags |= robust_flag((const pthread_mutex_t *)m);
    lo_acquired(thr, m, stack, flags);
}

/* glibc's spinlock word: on x86 1 when free and 0 or less when held
 * (a `lock decl` lock), elsewhere 0 when free. */
#if defined(__x86_64__) || defined(__i386__)
#define GLIBC_SPIN_HELD(v) ((v) <= 0)
#else
#define GLIBC_SPIN_HELD(v) ((v) != 0)
#endif

/* Who holds the lock at m, by its own state (glibc's ABI: a mutex's lock
 * word is 0 when free, and its owner field holds the owner's thread id,
 * whatever the mutex's type; a spinlock names no owner). Only read on
 * slow paths: it costs a gettid. */
static enum misuse_holder lock_holder(crace_thread *thr, uintptr_t m, enum pt_lock_kind kind)
{
    int owner = 0;
    if (kind == PT_SPIN) {
        if (!GLIBC_SPIN_HELD(__atomic_load_n((const int *)m, __ATOMIC_RELAXED)))
            return HOLDER_NONE;
    } else {
        const pthread_mutex_t *mu = (const pthread_mutex_t *)m;
        if (__atomic_load_n(&mu->__data.__lock, __ATOMIC_RELAXED) == 0)
            return HOLDER_NONE;
        owner = __atomic_load_n(&mu->__data.__owner, __ATOMIC_RELAXED);
    }
    if (owner != 0)
        return owner == gettid() ? HOLDER_CALLER : HOLDER_OTHER;
    /* A spinlock, or a mutex between its lock word and its owner field. */
    return lo_holds(thr, m) ? HOLDER_CALLER : HOLDER_UNKNOWN;
}

/* Before the real unlock of m by `call` at pc (in_wait: the unlock inside
 * a condvar wait). The release comes first, while thr still holds m: done
 * after the real unlock, another thread could lock m in between and miss
 * the edge. When the real unlock then fails (EPERM, an unlock by a
 * non-owner), the edge is extra; that is a misuse, reported here.
 *
 * The bookkeeping, too, must change before the real unlock: afterwards a
 * new owner's post-lock may already have run. A mutex that checks its
 * owner (error-checking, recursive, robust and priority-inheritance
 * mutexes) refuses a caller that does not own it; otherwise (normal
 * mutexes, spinlocks) glibc unlocks it for anyone, undefined as that is,
 * and m is free afterwards. Returns true when thr owned m. */
bool crace_pt_mutex_pre_unlock(crace_thread *thr, uintptr_t m, enum pt_lock_kind kind, const char *call,
                               bool in_wait, uintptr_t pc)
{
    bool nonowner_fails = kind == PT_MUTEX && crace_pt_mutex_checks_owner((const pthread_mutex_t *)m);
    bool owner = false;
    struct misuse_lock_info info = {0, 0, 0};
    sync_var *s = sync_lock(m, false, 0);
    if (s) {
        owner = s->owner_gid == thr->gid && s->recursion > 0;
        if (!owner)
            info = (struct misuse_lock_info){s->owner_gid, s->lock_stack, s->creation};
        bool frees = owner ? --s->recursion == 0 : !nonowner_fails;
        if (frees) {
            s->owner_gid = 0;
            s->lock_stack = 0;
            s->recursion = 0;
        }
        /* The release under the same lookup. */
        if (!thr->ignore_sync)
            sync_release_locked(s, &thr->vc);
        sync_unlock(s);
        crace_thread_tick(thr);
    } else {
        crace_release(thr, m);
    }
    /* Not for a destroyed mutex: its unlock fails (EINVAL), which
     * crace_pt_mutex_rejected reports as a use of a destroyed mutex, as
     * it reports its lock. */
    if (!owner && !(kind == PT_MUTEX && glibc_mutex_destroyed((const void *)m)))
        misuse_unlock(thr, kind == PT_SPIN ? MISUSE_SPINLOCK : MISUSE_MUTEX, call, in_wait, m,
                      lock_holder(thr, m, kind), &info, pc);
    lo_released(thr, m);
    return owner;
}

/* Before the real destroy of the lock at m by `call` at pc: destroying a
 * held lock is a misuse (glibc refuses a held mutex with EBUSY). */
void crace_pt_pre_destroy(crace_thread *thr, uintptr_t m, enum pt_lock_kind kind, const char *call, uintptr_t pc)
{
    enum misuse_holder h = lock_holder(thr, m, kind);
    if (h != HOLDER_NONE)
        misuse_destroy(thr, kind == PT_SPIN ? MISUSE_SPINLOCK : MISUSE_MUTEX, call, m, h, pc);
}

/* Around a condvar wait on c with the mutex m by `call` at pc (blocks: an
 * untimed wait, which the deadlock detector brackets). Before: the
 * binding of c to m is checked, m released (the unlock inside the wait
 * happens before whoever locks m next) and whoever waits for m may go on.
 * Returns whether thr held m; *at gets the wait's stack. */
bool crace_pt_cond_pre_wait(crace_thread *thr, uintptr_t c, uintptr_t m, const char *call, bool blocks,
                            uintptr_t pc, stack_id *at)
{
    /* glibc's wait unlocks m first, which fails (EPERM) for a mutex that
     * checks its owner when thr does not hold it: then the wait returns
     * at once, it does not block. */
    if (blocks && crace_pt_mutex_checks_owner((const pthread_mutex_t *)m) &&
        glibc_mutex_owner((const void *)m) != thr->tid)
        blocks = false;
    /* Another process may signal a process-shared one (or hold its
     * mutex): a wait crace cannot see the end of. */
    if (blocks && (glibc_cond_pshared((const void *)c) || glibc_mutex_pshared((const void *)m)))
        blocks = false;
    stack_id stack = *at = crace_current_stack(thr, pc);
    crace_pt_object(thr, c, PT_OBJ_USE, pc);
    misuse_cond_wait_begin(thr, call, c, m, stack, pc);
    bool owned = crace_pt_mutex_pre_unlock(thr, m, PT_MUTEX, call, true, pc);
    dl_wake(m);
    if (blocks)
        dl_block(thr, call, WAIT_COND, c, m, NULL, stack);
    return owned;
}

/* After the real wait: relocked says the wait returned with m held again
 * (a wake-up, a timeout, a dead robust owner; also a failure before m was
 * unlocked, if thr held it); at is the wait's stack, from _pre_wait (the
 * same call site: one stack walk and depot lookup per wait, not two). A
 * wake-up acquires nothing from the signal or broadcast: the condition
 * variable is no sync object, its mutex is (DESIGN.md), as under
 * ThreadSanitizer. What a signaller did after unlocking is unordered with
 * the waiter, which may have found its predicate true and never waited: a
 * signal made after unlocking races with the waiter's destroy or free in
 * every run, not only in those where the waiter did not wait. */
void crace_pt_cond_post_wait(crace_thread *thr, uintptr_t c, uintptr_t m, bool blocks, bool relocked, stack_id at,
                             uintptr_t pc)
{
    if (blocks)
        dl_unblock(thr);
    misuse_cond_wait_end(thr, c);
    if (relocked)
        crace_pt_mutex_post_lock(thr, m, 0, at, pc);
}

/* Before the real destroy of the condition variable c (call, at pc): a
 * goroutine still blocked on it (no signal or broadcast has reached it
 * since its wait began) makes glibc's destroy wait for it to leave, most
 * likely forever. A misuse; and the destroy is bracketed as a wait, so
 * that the deadlock it may close is reported. True when bracketed: the
 * caller calls dl_unblock after the real destroy. */
bool crace_pt_cond_pre_destroy(crace_thread *thr, uintptr_t c, const char *call, uintptr_t pc)
{
    stack_id waiting_at;
    uint64_t waiter = dl_waiter_of(c, &waiting_at);
    if (!waiter)
        return false;
    if (crace_pc_instrumented(pc))
        misuse_destroy_waited(thr, MISUSE_COND, call, c, waiter, waiting_at, pc);
    dl_block(thr, call, WAIT_COND, c, 0, NULL, crace_current_stack(thr, pc));
    return true;
}

/* glibc's mutex kind word (set by pthread_mutex_init or a static
 * initialiser; later only elision hints change in it) and the bits of it
 * that make an unlock check the owner. The bit values are glibc's ABI
 * (nptl/pthreadP.h); the PTHREAD_MUTEX_* types are POSIX's. */
enum {
    GLIBC_MUTEX_KIND_MASK = 3,
    GLIBC_MUTEX_ROBUST = 16,
    GLIBC_MUTEX_PRIO_INHERIT = 32,
};

bool crace_pt_mutex_checks_owner(const pthread_mutex_t *m)
{
    int kind = __atomic_load_n(&m->__data.__kind, __ATOMIC_RELAXED);
    int type = kind & GLIBC_MUTEX_KIND_MASK;
    return type == PTHREAD_MUTEX_RECURSIVE || type == PTHREAD_MUTEX_ERRORCHECK ||
           (kind & (GLIBC_MUTEX_ROBUST | GLIBC_MUTEX_PRIO_INHERIT)) != 0;
}

/* LO_ROBUST for a robust mutex, by its kind word; else 0. */
static unsigned robust_flag(const pthread_mutex_t *m)
{
    return (__atomic_load_n(&m->__data.__kind, __ATOMIC_RELAXED) & GLIBC_MUTEX_ROBUST) ? LO_ROBUST : 0;
}

/* A lock call returned r: is the mutex held now? EOWNERDEAD (robust
 * mutexes) hands over the lock of an owner that died. */
static bool mutex_held(int r)
{
    return r == 0 || r == EOWNERDEAD;
}

/* The mutex whose destroyed mark this thread's last rejected lock call
 * met, reported then: the unlock that follows fails too, and is not
 * reported again. */
static CRACE_TLS const void *rejected_lock;

/* A lock call (call, at pc) that failed: glibc rejects a destroyed mutex
 * (EINVAL), and the program, which rarely checks, goes on unprotected.
 * (A lock fails for other reasons too: a bad timeout, a priority
 * ceiling; only the destroyed mark is reported.) Instrumented code only. */
void crace_pt_mutex_rejected(crace_thread *thr, const void *m, const char *call, bool failed, uintptr_t pc)
{
    if (CRACE_UNLIKELY(failed) && glibc_mutex_destroyed(m) && crace_pc_instrumented(pc)) {
        rejected_lock = m;
        misuse_destroyed(thr, MISUSE_MUTEX, call, (uintptr_t)m, pc);
    }
}

/* A lock call (call, at pc) of lock (an obj) that glibc refused with r:
 * EDEADLK when the caller holds it already (a mutex that checks its
 * owner, an rwlock held for writing), reported with where it was locked.
 * Instrumented code only. */
static void lock_refused(crace_thread *thr, uintptr_t lock, enum misuse_object obj, const char *call, int r,
                         uintptr_t pc)
{
    if (CRACE_LIKELY(r != EDEADLK) || !crace_pc_instrumented(pc))
        return;
    stack_id held_at = 0;
    sync_var *s = sync_lock(lock, false, 0);
    if (s) {
        if (s->owner_gid == thr->gid)
            held_at = s->lock_stack;
        sync_unlock(s);
    }
    misuse_relock(thr, obj, call, lock, held_at, pc);
}

/* The same for an unlock call, unless it follows the lock call that was
 * (an unlock of a mutex never initialised, filled with garbage that reads
 * as destroyed, is reported). */
void crace_pt_mutex_unlock_rejected(crace_thread *thr, const void *m, const char *call, bool failed, uintptr_t pc)
{
    if (CRACE_UNLIKELY(failed) && rejected_lock != m)
        crace_pt_mutex_rejected(thr, m, call, failed, pc);
    rejected_lock = NULL;
}

/* Thread ends. A thread's end is reached once by returning from its start
 * routine, by pthread_exit (which unwinds through the start routine's
 * cleanup handler too) or by cancellation; the flag makes the second
 * arrival a no-op. It is thread-local rather than a look at the thread's
 * state because after crace_thread_finish the engine may reuse that state.
 *
 * A thread the shim started ends later than all three, after its TLS
 * destructors (pthread_key_create's, tss_create's, C++ thread_local
 * objects'), whose accesses are the thread's as much as any: a
 * destructor that flushes per-thread counters into shared data races
 * with the threads that read it unordered, and happens before the join.
 * It ends in the destructor of finish_key, which glibc runs in each of
 * its PTHREAD_DESTRUCTOR_ITERATIONS rounds while the key holds a value:
 * the value counts the rounds down and the last one ends the thread, as
 * ThreadSanitizer does. finish_armed says the key is set, so the earlier
 * arrivals pass. */
static CRACE_TLS bool thread_finished, finish_armed;
static pthread_key_t finish_key;
static bool finish_key_made;

static void finish_at_last_round(void *rounds)
{
    uintptr_t left = (uintptr_t)rounds;
    if (left > 1 && pthread_setspecific(finish_key, (void *)(left - 1)) == 0)
        return;
    finish_armed = false;
    crace_thread *t = crace_cur;
    if (t)
        crace_pt_thread_exit(t);
}

/* Made when the shim is loaded, before the program can start a thread (a
 * thread started earlier, or with no key left, ends at its return, by
 * the cleanup handler, as before). */
__attribute__((constructor)) static void finish_key_init(void)
{
    finish_key_made = pthread_key_create(&finish_key, finish_at_last_round) == 0;
}

void crace_pt_finish_after_tls(void)
{
    finish_armed = finish_key_made &&
                   pthread_setspecific(finish_key, (void *)(uintptr_t)PTHREAD_DESTRUCTOR_ITERATIONS) == 0;
}

/* A lock t still holds as it ends. Released, as an unlock would: a
 * robust mutex's next owner gets it with EOWNERDEAD, after the kernel has
 * seen t die, so everything t did happens before (and another thread may
 * unlock a normal mutex t left locked). Unless it is a robust mutex (made
 * for that), a misuse: an unlock forgotten on some path out of the
 * thread, which every later locker (every writer, after a read hold)
 * waits on forever. */
static void exit_still_held(crace_thread *t, uintptr_t lock, stack_id stack, unsigned flags)
{
    crace_release(t, lock);
    if (flags & LO_ROBUST)
        return;
    /* glibc lets any thread release a read hold (some programs hand one
     * over): one is reported while glibc counts a reader still. */
    bool read = flags & LO_READ;
    if (read && glibc_rwlock_readers((const void *)lock) == 0)
        return;
    enum misuse_object obj = (flags & LO_SPIN) ? MISUSE_SPINLOCK : (flags & LO_RWLOCK) ? MISUSE_RWLOCK : MISUSE_MUTEX;
    misuse_exit_held(t, obj, lock, read, stack);
}

void crace_pt_thread_exit(crace_thread *t)
{
    if (thread_finished || finish_armed)
        return;
    thread_finished = true;
    if (t->annotated_ignores)
        misuse_exit_ignoring(t);
    lo_thread_exit(t, exit_still_held);
    crace_thread_finish(t);
}

/* The same as a pthread_cleanup_push handler, in every start trampoline. */
void crace_pt_thread_cleanup(void *t)
{
    crace_pt_thread_exit(t);
}

/* pthread_once and call_once: the thread that runs the init function
 * releases the once object right after it, inside the real call (before
 * glibc marks the object done), and every caller acquires it after the
 * real call returns. So whatever the init function wrote is visible to
 * every caller, including those that waited for it and those that came
 * later, while callers are not ordered with one another.
 *
 * The real call gets once_trampoline in place of the init function (glibc
 * keys the state on the once object, not the function); the object, the
 * function and the caller's stack reach it through these thread-locals,
 * which a nested once call from inside an init function saves and
 * restores.
 *
 * A caller that finds the init in progress waits for the goroutine that
 * runs it, as for a mutex's holder: while it runs, the once object's
 * sync_var names it (owner_gid) and where it entered (lock_stack), and the
 * wait is the deadlock detector's (WAIT_ONCE). An init function that calls
 * pthread_once on its own once control waits for itself: a deadlock of one
 * (glibc's call never returns). An init left by a longjmp or a C++
 * exception (which skip once_init_over, as they skip the release of a
 * returning init) keeps its goroutine named until the next init of the
 * object runs; glibc's word, read first, says whether one is in progress
 * at all. */
static CRACE_TLS uintptr_t once_addr;
static CRACE_TLS void (*once_fn)(void);
static CRACE_TLS stack_id once_stack;

/* glibc's once word (pthread_once_t, once_flag): bit 0 while an init
 * runs, bit 1 once done; the bits above count forks. */
enum { GLIBC_ONCE_INPROGRESS = 1, GLIBC_ONCE_DONE = 2 };

/* Sets or clears the goroutine that runs once's init function; cleared,
 * its waiters may go on. */
static void once_runner(uintptr_t once, uint64_t gid, stack_id entered)
{
    sync_var *s = sync_lock(once, gid != 0, entered);
    if (s) {
        s->owner_gid = gid;
        s->lock_stack = entered;
        sync_unlock(s);
    }
    if (!gid)
        dl_wake(once);
}

/* dl_block_unless's test: is once's init over (or never seen start)?
 * glibc's word first: an init left by a longjmp or an exception leaves
 * its goroutine named, but glibc has reset the word. */
static bool once_settled(uintptr_t once, uintptr_t unused)
{
    (void)unused;
    if (!(__atomic_load_n((const int *)once, __ATOMIC_ACQUIRE) & GLIBC_ONCE_INPROGRESS))
        return true;
    sync_var *s = sync_lock(once, false, 0);
    bool settled = !s || !s->owner_gid;
    if (s)
        sync_unlock(s);
    return settled;
}

/* The end of an init function, returned or cancelled (glibc resets the
 * once word then, and the next caller runs the init again): what it did
 * happens before every later caller's return, and before the init that
 * runs next. */
static void once_init_over(void *once)
{
    once_runner((uintptr_t)once, 0, 0);
    crace_release(crace_thr(), (uintptr_t)once);
}

static void once_trampoline(void)
{
    uintptr_t addr = once_addr;
    void (*fn)(void) = once_fn;
    crace_thread *thr = crace_thr();
    /* A caller that waited for another goroutine's init runs it itself
     * when that one was cancelled: it waits no more, and goes on from
     * where the cancelled one stopped. */
    dl_unblock(thr);
    crace_acquire(thr, addr);
    once_runner(addr, thr->gid, once_stack);
    pthread_cleanup_push(once_init_over, (void *)addr);
    fn();
    pthread_cleanup_pop(1);
}

int crace_pt_once(crace_thread *thr, void *once, void (*fn)(void),
                  int (*real)(void *once, void (*init)(void)), const char *call, uintptr_t pc)
{
    int state = __atomic_load_n((const int *)once, __ATOMIC_ACQUIRE);
    if (state & GLIBC_ONCE_DONE) {
        int r = real(once, fn);
        if (r == 0)
            crace_acquire(thr, (uintptr_t)once);
        return r;
    }
    uintptr_t saved_addr = once_addr;
    void (*saved_fn)(void) = once_fn;
    stack_id saved_stack = once_stack;
    once_addr = (uintptr_t)once;
    once_fn = fn;
    once_stack = crace_current_stack(thr, pc);
    bool waits = !once_settled((uintptr_t)once, 0);
    if (waits)
        dl_block_unless(thr, call, WAIT_ONCE, (uintptr_t)once, 0, NULL, once_settled, once_stack);
    crace_callout_enter(pc);
    int r = real(once, once_trampoline);
    crace_callout_leave();
    if (waits)
        dl_unblock(thr);
    once_addr = saved_addr;
    once_fn = saved_fn;
    once_stack = saved_stack;
    if (r == 0)
        crace_acquire(thr, (uintptr_t)once);
    return r;
}

/* ================================================================ threads */

/* What pthread_create hands its child; crace_alloc'd by the creator,
 * freed by the child as soon as it has read it. */
struct thread_start {
    void *(*fn)(void *);
    void *arg;
    crace_thread *child;
    sigset_t sigmask; /* the creator's, restored once the child is known */
};

static void *thread_trampoline(void *p)
{
    struct thread_start *ts = p;
    void *(*fn)(void *) = ts->fn;
    void *arg = ts->arg;
    crace_thread *child = ts->child;
    sigset_t sigmask = ts->sigmask;
    crace_free(ts);
    crace_thread_start(child);
    crace_pt_finish_after_tls();
    /* Signals were blocked from before the thread existed: a handler that
     * ran before crace_thread_start would have run as an unknown thread,
     * unordered after its creation. */
    pthread_sigmask(SIG_SETMASK, &sigmask, NULL);

    /* The handler also runs when the thread calls pthread_exit or is
     * cancelled, which unwind past the code below: it ends the thread
     * only when finish_key could not be set. */
    void *ret;
    pthread_cleanup_push(crace_pt_thread_cleanup, child);
    ret = fn(arg);
    pthread_cleanup_pop(1);
    return ret;
}

INTERCEPTOR(int, pthread_create, pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    INTERCEPTOR_ENTER(pthread_create, th, attr, fn, arg);
    int detach_state = PTHREAD_CREATE_JOINABLE;
    if (attr && pthread_attr_getdetachstate(attr, &detach_state) != 0)
        detach_state = PTHREAD_CREATE_JOINABLE;
    crace_thread *child = crace_thread_prepare(thr, crace_current_stack(thr, CALLER_PC()));
    /* Before it can run: a detached child publishes no end for a joiner. */
    child->detached = detach_state == PTHREAD_CREATE_DETACHED;

    struct thread_start *ts = crace_alloc(sizeof(*ts));
    ts->fn = fn;
    ts->arg = arg;
    ts->child = child;
    /* glibc's own bookkeeping inside (thread stacks from its cache, their
     * TLS) is not the program's: no access checks. */
    /* The child starts with every signal blocked (it inherits the mask)
     * and restores ours once the shim knows it. ts is the child's once the
     * real call returns. */
    sigset_t all, mine;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &mine);
    ts->sigmask = mine;
    thr->ignore++;
    int r = REAL(pthread_create)(th, attr, thread_trampoline, ts);
    thr->ignore--;
    pthread_sigmask(SIG_SETMASK, &mine, NULL);
    if (r != 0) {
        crace_thread_abandon(child);
        crace_free(ts);
    } else {
        /* Known by its handle before the program can detach or join it. */
        crace_thread_created(child, *th);
    }
    return r;
}

/* pthread_exit cannot use INTERCEPTOR_ENTER: it is noreturn, and the
 * guard's pass-through is a return statement. The same guard, then. It
 * finishes threads that did not start in thread_trampoline (main, threads
 * from before the shim); the others end after their TLS destructors, and
 * the flags in crace_pt_thread_exit make this a no-op for them. */
INTERCEPTOR(void, pthread_exit, void *retval)
{
    crace_thread *thr = crace_inited ? crace_cur : NULL;
    if (thr && !thr->in_shim) {
        crace_pt_thread_exit(thr);
    }
    REAL(pthread_exit)(retval);
    __builtin_unreachable();
}

/* The joins. The real join frees the child's thread-local blocks, which
 * the child wrote; that free would count as a write not yet ordered after
 * them (the join's acquire comes after the real call), so the joiner's
 * accesses are not checked inside. The join's acquire follows the real
 * call: the engine looks the pthread_t up among finished threads (glibc
 * may already have given the handle to a new thread). */
INTERCEPTOR(int, pthread_join, pthread_t th, void **retval)
{
    INTERCEPTOR_ENTER(pthread_join, th, retval);
    crace_thread *target = crace_pt_thread_target(thr, th, "pthread_join", CALLER_PC());
    thr->ignore++;
    crace_pt_block(thr, "pthread_join", WAIT_THREAD, (uintptr_t)th, crace_current_stack(thr, CALLER_PC()));
    int r = REAL(pthread_join)(th, retval);
    dl_unblock(thr);
    thr->ignore--;
    if (r == 0)
        crace_thread_joined(thr, th, target);
    return r;
}

INTERCEPTOR(int, pthread_tryjoin_np, pthread_t th, void **retval)
{
    INTERCEPTOR_ENTER(pthread_tryjoin_np, th, retval);
    crace_thread *target = crace_pt_thread_target(thr, th, "pthread_tryjoin_np", CALLER_PC());
    thr->ignore++;
    int r = REAL(pthread_tryjoin_np)(th, retval);
    thr->ignore--;
    if (r == 0)
        crace_thread_joined(thr, th, target);
    return r;
}

INTERCEPTOR(int, pthread_timedjoin_np, pthread_t th, void **retval, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_timedjoin_np, th, retval, abstime);
    crace_thread *target = crace_pt_thread_target(thr, th, "pthread_timedjoin_np", CALLER_PC());
    thr->ignore++;
    int r = REAL(pthread_timedjoin_np)(th, retval, abstime);
    thr->ignore--;
    if (r == 0)
        crace_thread_joined(thr, th, target);
    return r;
}

INTERCEPTOR(int, pthread_clockjoin_np, pthread_t th, void **retval, clockid_t clockid, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_clockjoin_np, th, retval, clockid, abstime);
    crace_thread *target = crace_pt_thread_target(thr, th, "pthread_clockjoin_np", CALLER_PC());
    thr->ignore++;
    int r = REAL(pthread_clockjoin_np)(th, retval, clockid, abstime);
    thr->ignore--;
    if (r == 0)
        crace_thread_joined(thr, th, target);
    return r;
}

/* A thread blocked at a cancellation point (a condition wait, a join, a
 * semaphore wait) runs again once cancelled: it unwinds and ends. Until
 * it does, the deadlock detector must not count it blocked, or a join of
 * it could look like the last goroutine falling asleep. */
INTERCEPTOR(int, pthread_cancel, pthread_t th)
{
    INTERCEPTOR_ENTER(pthread_cancel, th);
    int r = REAL(pthread_cancel)(th);
    if (r == 0)
        dl_wake_thread(th);
    return r;
}

/* The engine learns of the detach before the real call: once detached, a
 * finished thread's handle is free for glibc to reuse at once. The real
 * detach fails only for a handle that is not joinable (already detached,
 * or no thread), which the engine has no live joinable thread for. */
INTERCEPTOR(int, pthread_detach, pthread_t th)
{
    INTERCEPTOR_ENTER(pthread_detach, th);
    crace_pt_thread_target(thr, th, "pthread_detach", CALLER_PC());
    crace_thread_detached(th);
    return REAL(pthread_detach)(th);
}

/* ================================================================ mutexes */

/* libunwind's own mutexes. The shim takes stacks with libunwind, and so
 * does libgochan (its panics) or the program: were a mutex libunwind locks
 * inside taken for the program's, its hook would unwind again while the
 * thread holds that mutex, and deadlock on it. They are the unwinder's
 * business, not the program's synchronisation: those calls pass straight
 * through. The range is libunwind's executable segment, found once. */
static _Atomic uintptr_t unwinder_lo, unwinder_hi;

static int find_unwinder(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    uintptr_t probe = *(uintptr_t *)arg;
    for (unsigned i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && probe - start < ph->p_memsz) {
            atomic_store_explicit(&unwinder_lo, start, memory_order_relaxed);
            atomic_store_explicit(&unwinder_hi, start + ph->p_memsz, memory_order_release);
            return 1;
        }
    }
    return 0;
}

static CRACE_NOINLINE uintptr_t unwinder_init(crace_thread *thr)
{
    uintptr_t probe = (uintptr_t)&unw_backtrace;
    thr->in_shim++;
    dl_iterate_phdr(find_unwinder, &probe);
    thr->in_shim--;
    uintptr_t hi = atomic_load_explicit(&unwinder_hi, memory_order_acquire);
    if (hi == 0) /* not found: nothing is libunwind's */
        atomic_store_explicit(&unwinder_hi, hi = 1, memory_order_release);
    return hi;
}

static inline bool from_unwinder(crace_thread *thr, uintptr_t pc)
{
    uintptr_t hi = atomic_load_explicit(&unwinder_hi, memory_order_acquire);
    if (CRACE_UNLIKELY(hi == 0))
        hi = unwinder_init(thr);
    return pc < hi && pc >= atomic_load_explicit(&unwinder_lo, memory_order_relaxed);
}

/* A mutex call that is no synchronisation of the program's and passes
 * straight through: libunwind's own (above), and the OpenMP tool's lock
 * of its own tables (crace_openmp_tool_own_lock). */
static inline bool passes_through(crace_thread *thr, pthread_mutex_t *m, uintptr_t pc)
{
    return from_unwinder(thr, pc) || crace_openmp_tool_own_lock(pc, (uintptr_t)m);
}

/* Before the real init of the mutex at m: initialising a mutex a thread
 * holds is a misuse, as destroying it is (its holder's unlock then acts
 * on a fresh mutex). Only a mutex crace saw locked and not unlocked, and
 * whose lock word still says held: memory never initialised may hold
 * anything. */
static void mutex_pre_init(crace_thread *thr, uintptr_t m, uintptr_t pc)
{
    sync_var *s = sync_lock(m, false, 0);
    bool held = s && s->owner_gid && s->recursion > 0;
    if (s)
        sync_unlock(s);
    if (held)
        misuse_destroy(thr, MISUSE_MUTEX, "pthread_mutex_init", m, lock_holder(thr, m, PT_MUTEX), pc);
}

INTERCEPTOR(int, pthread_mutex_init, pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
    INTERCEPTOR_ENTER(pthread_mutex_init, m, attr);
    if (from_unwinder(thr, CALLER_PC()))
        return REAL(pthread_mutex_init)(m, attr);
    mutex_pre_init(thr, (uintptr_t)m, CALLER_PC());
    crace_pt_object(thr, (uintptr_t)m, PT_OBJ_WRITE, CALLER_PC());
    int r = REAL(pthread_mutex_init)(m, attr);
    if (r == 0)
        crace_pt_sync_reset(thr, (uintptr_t)m, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_mutex_destroy, pthread_mutex_t *m)
{
    INTERCEPTOR_ENTER(pthread_mutex_destroy, m);
    if (from_unwinder(thr, CALLER_PC()))
        return REAL(pthread_mutex_destroy)(m);
    crace_pt_object(thr, (uintptr_t)m, PT_OBJ_WRITE, CALLER_PC());
    crace_pt_pre_destroy(thr, (uintptr_t)m, PT_MUTEX, "pthread_mutex_destroy", CALLER_PC());
    int r = REAL(pthread_mutex_destroy)(m);
    if (r == 0)
        crace_pt_sync_forget((uintptr_t)m);
    return r;
}

INTERCEPTOR(int, pthread_mutex_trylock, pthread_mutex_t *m)
{
    INTERCEPTOR_ENTER(pthread_mutex_trylock, m);
    if (passes_through(thr, m, CALLER_PC()))
        return REAL(pthread_mutex_trylock)(m);
    int r = REAL(pthread_mutex_trylock)(m);
    if (mutex_held(r))
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, LO_TRY, crace_current_stack(thr, CALLER_PC()), CALLER_PC());
    crace_pt_mutex_rejected(thr, m, "pthread_mutex_trylock", r == EINVAL, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_mutex_lock, pthread_mutex_t *m)
{
    INTERCEPTOR_ENTER(pthread_mutex_lock, m);
    if (passes_through(thr, m, CALLER_PC()))
        return REAL(pthread_mutex_lock)(m);
    stack_id stack = crace_current_stack(thr, CALLER_PC());
    int r = REAL(pthread_mutex_trylock)(m);
    for (long budget = lock_spin_budget; r == EBUSY && crace_pt_lock_spin(m, &budget);)
        r = REAL(pthread_mutex_trylock)(m);
    if (r == EBUSY) {
        bool forever = mutex_would_block_forever(thr, m);
        if (forever)
            crace_pt_block(thr, "pthread_mutex_lock", WAIT_MUTEX, (uintptr_t)m, stack);
        r = REAL(pthread_mutex_lock)(m);
        if (forever)
            dl_unblock(thr);
    }
    if (mutex_held(r))
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, 0, stack, CALLER_PC());
    crace_pt_mutex_rejected(thr, m, "pthread_mutex_lock", r == EINVAL, CALLER_PC());
    lock_refused(thr, (uintptr_t)m, MISUSE_MUTEX, "pthread_mutex_lock", r, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_mutex_timedlock, pthread_mutex_t *m, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_mutex_timedlock, m, abstime);
    int r = REAL(pthread_mutex_timedlock)(m, abstime);
    if (mutex_held(r))
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, 0, crace_current_stack(thr, CALLER_PC()), CALLER_PC());
    crace_pt_mutex_rejected(thr, m, "pthread_mutex_timedlock", r == EINVAL, CALLER_PC());
    lock_refused(thr, (uintptr_t)m, MISUSE_MUTEX, "pthread_mutex_timedlock", r, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_mutex_clocklock, pthread_mutex_t *m, clockid_t clockid, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_mutex_clocklock, m, clockid, abstime);
    int r = REAL(pthread_mutex_clocklock)(m, clockid, abstime);
    if (mutex_held(r))
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, 0, crace_current_stack(thr, CALLER_PC()), CALLER_PC());
    crace_pt_mutex_rejected(thr, m, "pthread_mutex_clocklock", r == EINVAL, CALLER_PC());
    lock_refused(thr, (uintptr_t)m, MISUSE_MUTEX, "pthread_mutex_clocklock", r, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_mutex_unlock, pthread_mutex_t *m)
{
    INTERCEPTOR_ENTER(pthread_mutex_unlock, m);
    if (passes_through(thr, m, CALLER_PC()))
        return REAL(pthread_mutex_unlock)(m);
    crace_pt_mutex_pre_unlock(thr, (uintptr_t)m, PT_MUTEX, "pthread_mutex_unlock", false, CALLER_PC());
    int r = REAL(pthread_mutex_unlock)(m);
    dl_wake((uintptr_t)m);
    crace_pt_mutex_unlock_rejected(thr, m, "pthread_mutex_unlock", r == EINVAL, CALLER_PC());
    return r;
}

/* ================================================================ spinlocks */

/* Mutexes without kinds: glibc's unlock never checks the owner. */

INTERCEPTOR(int, pthread_spin_init, pthread_spinlock_t *l, int pshared)
{
    INTERCEPTOR_ENTER(pthread_spin_init, l, pshared);
    crace_pt_object(thr, (uintptr_t)l, PT_OBJ_WRITE, CALLER_PC());
    int r = REAL(pthread_spin_init)(l, pshared);
    if (r == 0)
        crace_pt_sync_reset(thr, (uintptr_t)l, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_spin_destroy, pthread_spinlock_t *l)
{
    INTERCEPTOR_ENTER(pthread_spin_destroy, l);
    crace_pt_object(thr, (uintptr_t)l, PT_OBJ_WRITE, CALLER_PC());
    crace_pt_pre_destroy(thr, (uintptr_t)l, PT_SPIN, "pthread_spin_destroy", CALLER_PC());
    int r = REAL(pthread_spin_destroy)(l);
    if (r == 0)
        crace_pt_sync_forget((uintptr_t)l);
    return r;
}

/* Defined below: a lock tries first. */
static int (*real_pthread_spin_trylock)(pthread_spinlock_t *l);

/* A spinlock spins, it never sleeps: its waiter is bracketed for the
 * deadlock detector (WAIT_SPIN, its holder named by the spinlock's sync
 * object, as a mutex's) only once it has looked this many times, so that
 * the common short wait takes no global lock, while two goroutines
 * taking spinlocks in opposite orders (spinning forever) are a cycle,
 * and a spinner behind a holder blocked for good is asleep. The holder
 * relocking it (its own held list says so, without a lock: a contended
 * spinlock must not add traffic on the sync object its holder's unlock
 * takes) spins forever at once: bracketed at once, a cycle of one. */
#define SPIN_BRACKET_AFTER 4096

INTERCEPTOR(int, pthread_spin_lock, pthread_spinlock_t *l)
{
    INTERCEPTOR_ENTER(pthread_spin_lock, l);
    int r = REAL(pthread_spin_trylock)(l);
    if (r != 0 && !lo_holds(thr, (uintptr_t)l)) {
        for (int i = 0; i < SPIN_BRACKET_AFTER && r != 0; i++) {
            gc_cpu_relax();
            if (!glibc_spin_held(l))
                r = REAL(pthread_spin_trylock)(l);
        }
    }
    stack_id stack = 0; /* the lock's, taken once: for the bracket too when there is one */
    if (r != 0) {
        stack = crace_current_stack(thr, CALLER_PC());
        crace_pt_block(thr, "pthread_spin_lock", WAIT_SPIN, (uintptr_t)l, stack);
        r = REAL(pthread_spin_lock)(l);
        dl_unblock(thr);
    }
    if (r == 0)
        crace_pt_mutex_post_lock(thr, (uintptr_t)l, LO_SPIN, stack ? stack : crace_current_stack(thr, CALLER_PC()),
                                 CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_spin_trylock, pthread_spinlock_t *l)
{
    INTERCEPTOR_ENTER(pthread_spin_trylock, l);
    int r = REAL(pthread_spin_trylock)(l);
    if (r == 0)
        crace_pt_mutex_post_lock(thr, (uintptr_t)l, LO_TRY | LO_SPIN, crace_current_stack(thr, CALLER_PC()),
                                 CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_spin_unlock, pthread_spinlock_t *l)
{
    INTERCEPTOR_ENTER(pthread_spin_unlock, l);
    crace_pt_mutex_pre_unlock(thr, (uintptr_t)l, PT_SPIN, "pthread_spin_unlock", false, CALLER_PC());
    return REAL(pthread_spin_unlock)(l);
}

/* ================================================================ stdio locks */

/* flockfile: a FILE's own recursive lock, which a program takes to keep
 * several stdio calls together. Its unlock happens before the next
 * lock, as a mutex's; the stdio calls' own locking inside libc is not
 * seen. */
INTERCEPTOR(void, flockfile, FILE *f)
{
    INTERCEPTOR_ENTER(flockfile, f);
    REAL(flockfile)(f);
    crace_acquire(thr, (uintptr_t)f);
}

INTERCEPTOR(int, ftrylockfile, FILE *f)
{
    INTERCEPTOR_ENTER(ftrylockfile, f);
    int r = REAL(ftrylockfile)(f);
    if (r == 0)
        crace_acquire(thr, (uintptr_t)f);
    return r;
}

INTERCEPTOR(void, funlockfile, FILE *f)
{
    INTERCEPTOR_ENTER(funlockfile, f);
    crace_release(thr, (uintptr_t)f);
    REAL(funlockfile)(f);
}

/* ================================================================ rwlocks */

/* Two clocks per rwlock, as Go's sync.RWMutex tells its race detector
 * (readerSem and writerSem there; ThreadSanitizer's read_clock is the
 * same idea). A writer's unlock releases into the rwlock's address, which
 * both readers and writers acquire; a reader's unlock releases into
 * RW_READERS, which only writers acquire. Readers are thus never ordered
 * with one another: a write made while holding only the read lock races
 * with the other readers, as it does. One clock for both would hide that
 * classic bug. RW_READERS is a byte inside the rwlock object, so no other
 * object can have that address.
 *
 * The write owner is tracked like a mutex's (and tells a writer's unlock
 * from a reader's: glibc refuses to read-lock what the caller write-holds).
 * A sync_var has room for one owner, so readers are known only to
 * themselves, in their held lists (lockorder.h), which the lock-order
 * graph and the misuse checks read. */
#define RW_READERS(rw) ((uintptr_t)(rw) + 1)

/* glibc's rwlock state word (nptl/pthread_rwlock_common.c): the phase,
 * whether a writer holds it, and the readers above the shift. */
enum {
    GLIBC_RWLOCK_WRLOCKED = 2,
    GLIBC_RWLOCK_READER_SHIFT = 3,
    GLIBC_RWLOCK_READERS_WRAPPED = 1u << 31, /* no real count gets there */
};

/* Who holds rw, for misuse reports (slow paths only). A read lock names
 * no owner: held by readers other than the caller counts as unknown. */
static enum misuse_holder rwlock_holder(crace_thread *thr, pthread_rwlock_t *rw)
{
    if (lo_holds(thr, (uintptr_t)rw))
        return HOLDER_CALLER;
    unsigned r = __atomic_load_n(&rw->__data.__readers, __ATOMIC_RELAXED);
    if (!(r & GLIBC_RWLOCK_WRLOCKED) && (r >> GLIBC_RWLOCK_READER_SHIFT) == 0)
        return HOLDER_NONE;
    /* Readers below zero: an unlock of the unlocked rwlock, reported
     * then, took one from a count of none (glibc does not check). */
    if (r & GLIBC_RWLOCK_READERS_WRAPPED)
        return HOLDER_NONE;
    int writer = __atomic_load_n(&rw->__data.__cur_writer, __ATOMIC_RELAXED);
    if ((r & GLIBC_RWLOCK_WRLOCKED) && writer)
        return writer == gettid() ? HOLDER_CALLER : HOLDER_OTHER;
    return HOLDER_UNKNOWN;
}

/* stack: the lock's, as for crace_pt_mutex_post_lock. */
static void rwlock_post_rdlock(crace_thread *thr, pthread_rwlock_t *rw, unsigned flags, stack_id stack)
{
    crace_acquire(thr, (uintptr_t)rw);
    lo_acquired(thr, (uintptr_t)rw, stack, flags | LO_READ | LO_RWLOCK);
}

static void rwlock_post_wrlock(crace_thread *thr, pthread_rwlock_t *rw, unsigned flags, stack_id stack, uintptr_t pc)
{
    crace_pt_mutex_post_lock(thr, (uintptr_t)rw, flags | LO_RWLOCK, stack, pc);
    crace_acquire(thr, RW_READERS(rw));
}

/* Before the real unlock, for the reasons given at crace_pt_mutex_pre_unlock. */
static void rwlock_pre_unlock(crace_thread *thr, pthread_rwlock_t *rw, uintptr_t pc)
{
    bool writer = false;
    struct misuse_lock_info info = {0, 0, 0};
    sync_var *s = sync_lock((uintptr_t)rw, false, 0);
    if (s) {
        writer = s->owner_gid == thr->gid && s->recursion > 0;
        if (writer) {
            s->owner_gid = 0;
            s->lock_stack = 0;
            s->recursion = 0;
        } else {
            info = (struct misuse_lock_info){s->owner_gid, s->lock_stack, s->creation};
        }
        sync_unlock(s);
    }
    if (!lo_released(thr, (uintptr_t)rw) && !writer)
        misuse_unlock(thr, MISUSE_RWLOCK, "pthread_rwlock_unlock", false, (uintptr_t)rw, rwlock_holder(thr, rw),
                      &info, pc);
    crace_release(thr, writer ? (uintptr_t)rw : RW_READERS(rw));
}

static void rwlock_forget(pthread_rwlock_t *rw)
{
    crace_pt_sync_forget((uintptr_t)rw);
    sync_free(RW_READERS(rw));
}

INTERCEPTOR(int, pthread_rwlock_init, pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
    INTERCEPTOR_ENTER(pthread_rwlock_init, rw, attr);
    crace_pt_object(thr, (uintptr_t)rw, PT_OBJ_WRITE, CALLER_PC());
    int r = REAL(pthread_rwlock_init)(rw, attr);
    if (r == 0) {
        sync_free(RW_READERS(rw));
        crace_pt_sync_reset(thr, (uintptr_t)rw, CALLER_PC());
    }
    return r;
}

/* glibc destroys a held rwlock without a word: a misuse. */
INTERCEPTOR(int, pthread_rwlock_destroy, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_destroy, rw);
    crace_pt_object(thr, (uintptr_t)rw, PT_OBJ_WRITE, CALLER_PC());
    enum misuse_holder h = rwlock_holder(thr, rw);
    if (h != HOLDER_NONE)
        misuse_destroy(thr, MISUSE_RWLOCK, "pthread_rwlock_destroy", (uintptr_t)rw, h, CALLER_PC());
    int r = REAL(pthread_rwlock_destroy)(rw);
    if (r == 0)
        rwlock_forget(rw);
    return r;
}

/* The try variants are defined below; the blocking ones try first. */
static int (*real_pthread_rwlock_tryrdlock)(pthread_rwlock_t *rw);
static int (*real_pthread_rwlock_trywrlock)(pthread_rwlock_t *rw);

/* Will a lock of rw that its try found taken wait, in a way crace can
 * judge (the deadlock detector's bracket)? Not when the caller is its
 * writer: glibc refuses that lock at once (EDEADLK), no wait. And a
 * process-shared rwlock may be held by another process, whose unlock
 * crace cannot see: waited for unbracketed. */
static bool rwlock_lock_waits(const crace_thread *thr, const pthread_rwlock_t *rw)
{
    return glibc_rwlock_writer(rw) != thr->tid && !glibc_rwlock_pshared(rw);
}

INTERCEPTOR(int, pthread_rwlock_rdlock, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_rdlock, rw);
    crace_pt_object(thr, (uintptr_t)rw, PT_OBJ_SHARED, CALLER_PC());
    stack_id stack = crace_current_stack(thr, CALLER_PC());
    int r = REAL(pthread_rwlock_tryrdlock)(rw);
    if (r == EBUSY && rwlock_lock_waits(thr, rw)) {
        crace_pt_block(thr, "pthread_rwlock_rdlock", WAIT_RWLOCK, (uintptr_t)rw, stack);
        r = REAL(pthread_rwlock_rdlock)(rw);
        dl_unblock(thr);
    } else if (r == EBUSY) {
        r = REAL(pthread_rwlock_rdlock)(rw);
    }
    if (r == 0)
        rwlock_post_rdlock(thr, rw, 0, stack);
    lock_refused(thr, (uintptr_t)rw, MISUSE_RWLOCK, "pthread_rwlock_rdlock", r, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_tryrdlock, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_tryrdlock, rw);
    crace_pt_object(thr, (uintptr_t)rw, PT_OBJ_SHARED, CALLER_PC());
    int r = REAL(pthread_rwlock_tryrdlock)(rw);
    if (r == 0)
        rwlock_post_rdlock(thr, rw, LO_TRY, crace_current_stack(thr, CALLER_PC()));
    return r;
}

INTERCEPTOR(int, pthread_rwlock_timedrdlock, pthread_rwlock_t *rw, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_rwlock_timedrdlock, rw, abstime);
    crace_pt_object(thr, (uintptr_t)rw, PT_OBJ_SHARED, CALLER_PC());
    int r = REAL(pthread_rwlock_timedrdlock)(rw, abstime);
    if (r == 0)
        rwlock_post_rdlock(thr, rw, 0, crace_current_stack(thr, CALLER_PC()));
    lock_refused(thr, (uintptr_t)rw, MISUSE_RWLOCK, "pthread_rwlock_timedrdlock", r, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_clockrdlock, pthread_rwlock_t *rw, clockid_t clockid, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_rwlock_clockrdlock, rw, clockid, abstime);
    crace_pt_object(thr, (uintptr_t)rw, PT_OBJ_SHARED, CALLER_PC());
    int r = REAL(pthread_rwlock_clockrdlock)(rw, clockid, abstime);
    if (r == 0)
        rwlock_post_rdlock(thr, rw, 0, crace_current_stack(thr, CALLER_PC()));
    lock_refused(thr, (uintptr_t)rw, MISUSE_RWLOCK, "pthread_rwlock_clockrdlock", r, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_wrlock, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_wrlock, rw);
    stack_id stack = crace_current_stack(thr, CALLER_PC());
    int r = REAL(pthread_rwlock_trywrlock)(rw);
    stack_id read_stack;
    if (r == EBUSY && rwlock_lock_waits(thr, rw)) {
        /* Held, but not by the caller for writing: by the caller for
         * reading, it waits for itself. */
        if (lo_held_at(thr, (uintptr_t)rw, &read_stack))
            dl_block_upgrade(thr, "pthread_rwlock_wrlock", (uintptr_t)rw, stack, read_stack);
        else
            crace_pt_block(thr, "pthread_rwlock_wrlock", WAIT_RWLOCK, (uintptr_t)rw, stack);
        r = REAL(pthread_rwlock_wrlock)(rw);
        dl_unblock(thr);
    } else if (r == EBUSY) {
        r = REAL(pthread_rwlock_wrlock)(rw);
    }
    if (r == 0)
        rwlock_post_wrlock(thr, rw, 0, stack, CALLER_PC());
    lock_refused(thr, (uintptr_t)rw, MISUSE_RWLOCK, "pthread_rwlock_wrlock", r, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_trywrlock, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_trywrlock, rw);
    int r = REAL(pthread_rwlock_trywrlock)(rw);
    if (r == 0)
        rwlock_post_wrlock(thr, rw, LO_TRY, crace_current_stack(thr, CALLER_PC()), CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_timedwrlock, pthread_rwlock_t *rw, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_rwlock_timedwrlock, rw, abstime);
    int r = REAL(pthread_rwlock_timedwrlock)(rw, abstime);
    if (r == 0)
        rwlock_post_wrlock(thr, rw, 0, crace_current_stack(thr, CALLER_PC()), CALLER_PC());
    lock_refused(thr, (uintptr_t)rw, MISUSE_RWLOCK, "pthread_rwlock_timedwrlock", r, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_clockwrlock, pthread_rwlock_t *rw, clockid_t clockid, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_rwlock_clockwrlock, rw, clockid, abstime);
    int r = REAL(pthread_rwlock_clockwrlock)(rw, clockid, abstime);
    if (r == 0)
        rwlock_post_wrlock(thr, rw, 0, crace_current_stack(thr, CALLER_PC()), CALLER_PC());
    lock_refused(thr, (uintptr_t)rw, MISUSE_RWLOCK, "pthread_rwlock_clockwrlock", r, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_unlock, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_unlock, rw);
    rwlock_pre_unlock(thr, rw, CALLER_PC());
    int r = REAL(pthread_rwlock_unlock)(rw);
    dl_wake((uintptr_t)rw);
    return r;
}

/* ================================================================ condvars */

/* glibc has every pthread_cond_* twice: the current ABI, and a
 * compatibility one for the old struct layout at the architecture's base
 * version. dlsym may give either, so the real ones are found by version;
 * and each interceptor resolves its real one before INTERCEPTOR_ENTER,
 * whose pass-through resolves with plain REAL and would cache what dlsym
 * gives. pthread_cond_clockwait (2.30) exists once and needs neither. */
#if defined(__x86_64__) || defined(__i386__)
#define COND_ABI "GLIBC_2.3.2"
#elif defined(__aarch64__)
#define COND_ABI "GLIBC_2.17"
#else
#error "crace: the symbol version of glibc's current pthread_cond_* is not known for this architecture"
#endif
#define REAL_COND(name) REAL_VERSIONED(name, COND_ABI)

/* Around a wait on c with m (crace_pt_cond_pre_wait, _post_wait): the
 * wait returns with m held again when it waited (0, a timeout, a dead
 * robust owner), and also when it failed before unlocking m (a bad time,
 * say) if thr held m. */
static bool cond_relocked(int r, bool owned)
{
    return r == 0 || r == ETIMEDOUT || r == EOWNERDEAD || owned;
}

INTERCEPTOR(int, pthread_cond_init, pthread_cond_t *c, const pthread_condattr_t *attr)
{
    (void)REAL_COND(pthread_cond_init);
    INTERCEPTOR_ENTER(pthread_cond_init, c, attr);
    crace_pt_object(thr, (uintptr_t)c, PT_OBJ_WRITE, CALLER_PC());
    int r = REAL_COND(pthread_cond_init)(c, attr);
    if (r == 0)
        crace_pt_sync_reset(thr, (uintptr_t)c, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_cond_destroy, pthread_cond_t *c)
{
    (void)REAL_COND(pthread_cond_destroy);
    INTERCEPTOR_ENTER(pthread_cond_destroy, c);
    crace_pt_object(thr, (uintptr_t)c, PT_OBJ_WRITE, CALLER_PC());
    bool waits = crace_pt_cond_pre_destroy(thr, (uintptr_t)c, "pthread_cond_destroy", CALLER_PC());
    int r = REAL_COND(pthread_cond_destroy)(c);
    if (waits)
        dl_unblock(thr);
    if (r == 0)
        crace_pt_sync_forget((uintptr_t)c);
    return r;
}

INTERCEPTOR(int, pthread_cond_signal, pthread_cond_t *c)
{
    (void)REAL_COND(pthread_cond_signal);
    INTERCEPTOR_ENTER(pthread_cond_signal, c);
    crace_pt_object(thr, (uintptr_t)c, PT_OBJ_USE, CALLER_PC());
    dl_wake((uintptr_t)c);
    return REAL_COND(pthread_cond_signal)(c);
}

INTERCEPTOR(int, pthread_cond_broadcast, pthread_cond_t *c)
{
    (void)REAL_COND(pthread_cond_broadcast);
    INTERCEPTOR_ENTER(pthread_cond_broadcast, c);
    crace_pt_object(thr, (uintptr_t)c, PT_OBJ_USE, CALLER_PC());
    dl_wake((uintptr_t)c);
    return REAL_COND(pthread_cond_broadcast)(c);
}

/* A wait is a cancellation point: a thread cancelled inside the real
 * call relocks m there (glibc's own cleanup, as POSIX requires: the
 * program's cleanup handlers run with m held, and usually unlock it),
 * then unwinds through the interceptor. cond_cancelled, pushed around
 * the real call, makes the wait's end then too: without it, the relock
 * ordered nothing (the handlers of several cancelled waiters updating
 * data under m were reported racing), and the wait stayed open for the
 * deadlock detector and the condition variable's binding.
 *
 * The handler is of glibc's original kind (_pthread_cleanup_push, in its
 * ABI from the start, and what its own waits push): a buffer on the stack,
 * linked into the thread's list, run by the unwinding as it leaves the
 * frame (after glibc's relock, which was pushed later), whatever kind of
 * handlers the program has, for about 20 instructions a wait.
 * pthread_cleanup_push would be a setjmp in C, about 100; and a cleanup
 * attribute (-fexceptions) never runs when the program's handlers are
 * setjmp ones: glibc's unwinding jumps to the program's frame from the
 * frame below it, the interceptor's. Not in pthread.h: */
void _pthread_cleanup_push(struct _pthread_cleanup_buffer *buffer, void (*routine)(void *), void *arg);
void _pthread_cleanup_pop(struct _pthread_cleanup_buffer *buffer, int execute);

struct cond_wait {
    crace_thread *thr;
    uintptr_t c, m, pc;
    bool blocks;
    stack_id at;
    struct _pthread_cleanup_buffer cleanup;
};

static void cond_cancelled(void *arg)
{
    const struct cond_wait *w = arg;
    crace_pt_cond_post_wait(w->thr, w->c, w->m, w->blocks, true, w->at, w->pc);
}

/* Before the real wait, named call: the wait begins (w->at gets its
 * stack) and its handler is pushed; returns whether the thread held m. */
static bool cond_wait_begin(struct cond_wait *w, const char *call)
{
    bool owned = crace_pt_cond_pre_wait(w->thr, w->c, w->m, call, w->blocks, w->pc, &w->at);
    _pthread_cleanup_push(&w->cleanup, cond_cancelled, w);
    return owned;
}

/* After the real wait returned r. */
static int cond_wait_end(struct cond_wait *w, int r, bool owned)
{
    _pthread_cleanup_pop(&w->cleanup, 0);
    crace_pt_cond_post_wait(w->thr, w->c, w->m, w->blocks, cond_relocked(r, owned), w->at, w->pc);
    return r;
}

INTERCEPTOR(int, pthread_cond_wait, pthread_cond_t *c, pthread_mutex_t *m)
{
    (void)REAL_COND(pthread_cond_wait);
    INTERCEPTOR_ENTER(pthread_cond_wait, c, m);
    struct cond_wait w = {thr, (uintptr_t)c, (uintptr_t)m, CALLER_PC(), true, 0, {0}};
    bool owned = cond_wait_begin(&w, "pthread_cond_wait");
    return cond_wait_end(&w, REAL_COND(pthread_cond_wait)(c, m), owned);
}

INTERCEPTOR(int, pthread_cond_timedwait, pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    (void)REAL_COND(pthread_cond_timedwait);
    INTERCEPTOR_ENTER(pthread_cond_timedwait, c, m, abstime);
    struct cond_wait w = {thr, (uintptr_t)c, (uintptr_t)m, CALLER_PC(), false, 0, {0}};
    bool owned = cond_wait_begin(&w, "pthread_cond_timedwait");
    return cond_wait_end(&w, REAL_COND(pthread_cond_timedwait)(c, m, abstime), owned);
}

INTERCEPTOR(int, pthread_cond_clockwait, pthread_cond_t *c, pthread_mutex_t *m, clockid_t clockid,
            const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_cond_clockwait, c, m, clockid, abstime);
    struct cond_wait w = {thr, (uintptr_t)c, (uintptr_t)m, CALLER_PC(), false, 0, {0}};
    bool owned = cond_wait_begin(&w, "pthread_cond_clockwait");
    return cond_wait_end(&w, REAL(pthread_cond_clockwait)(c, m, clockid, abstime), owned);
}

/* ================================================================ barriers */

/* Every participant releases its round's clock before the real wait and
 * acquires it after, so each one's prior actions happen before every
 * departure from that round.
 *
 * Rounds alternate between two clocks, BARRIER_ROUND(b, 0) and (b, 1):
 * with a single clock (ThreadSanitizer's), a participant that leaves round
 * k late, between the real wait's return and its acquire, would pick up
 * what a fast one released on arriving at round k + 1, and miss the races
 * of a program that lacks a barrier between two phases. Two suffice: no
 * one arrives at round k + 2 before every participant arrived at k + 1,
 * which each did after its acquire of round k. Arrival number n belongs
 * to round n / count: all arrivals of a round precede, in real time, any
 * arrival of the next. The count comes from init, in the barrier object's
 * sync_var; a barrier never seen at init (initialised before the shim)
 * makes do with one clock, the barrier's address. Both round keys are
 * bytes inside the barrier object. */
#define BARRIER_ROUND(b, round) ((uintptr_t)(b) + 1 + ((round) & 1))

struct barrier_rounds {
    uint64_t count;    /* participants per round, from init */
    uint64_t arrivals; /* ever, under the sync_var's lock */
};

/* The sync_var's ext_free for barrier_rounds: it marks the record as a
 * barrier's (the same address may have been another kind of object). */
static void barrier_rounds_free(void *br)
{
    crace_free(br);
}

/* The rounds of the barrier s describes (locked): NULL if no init of it
 * was seen since it was last destroyed. */
static struct barrier_rounds *rounds_of(const sync_var *s)
{
    return s && s->ext_free == barrier_rounds_free ? s->ext : NULL;
}

/* The clock of the round the caller arrives in; *round is the round's
 * number plus one when the caller will wait (it is not the round's last
 * arrival), else 0. Unknown for a barrier never seen at init: then 0, so
 * it is never taken for blocked. */
static uintptr_t barrier_arrive(pthread_barrier_t *b, uint64_t *round)
{
    uintptr_t key = (uintptr_t)b;
    *round = 0;
    sync_var *s = sync_lock((uintptr_t)b, false, 0);
    if (s) {
        struct barrier_rounds *br = rounds_of(s);
        if (br) {
            uint64_t n = br->arrivals++;
            key = BARRIER_ROUND(b, n / br->count);
            if ((n + 1) % br->count != 0)
                *round = n / br->count + 1;
        }
        sync_unlock(s);
    }
    return key;
}

/* Has the round a waiter arrived in (its number plus one) had all its
 * arrivals? Its last one may come between the waiter's arrival and its
 * dl_block, and call dl_wake before there is a waiter to wake; a waiter
 * that went on to count itself blocked would stay so, and, with the
 * others waiting in the next round for it, make them all look asleep. A
 * destroyed barrier ends every wait on it. Under dl_lock. */
static bool barrier_round_over(uintptr_t b, uintptr_t round)
{
    bool over = true;
    sync_var *s = sync_lock(b, false, 0);
    if (s) {
        struct barrier_rounds *br = rounds_of(s);
        over = !br || br->arrivals >= round * br->count;
        sync_unlock(s);
    }
    return over;
}

static void barrier_forget(pthread_barrier_t *b)
{
    sync_free((uintptr_t)b);
    sync_free(BARRIER_ROUND(b, 0));
    sync_free(BARRIER_ROUND(b, 1));
}

/* Before `call` (at pc) destroys b or initialises it again: a goroutine
 * blocked on it is a misuse (from instrumented code, as for condition
 * variables). Its wait's use of the barrier is then forgotten: the race
 * the call's write (or the free of the barrier, later) would make with it
 * is the same bug. The write is recorded and checked as any init's or
 * destroy's. Returns the goroutine. */
static uint64_t barrier_pre_write(crace_thread *thr, pthread_barrier_t *b, const char *call, uintptr_t pc)
{
    stack_id waiting_at;
    uint64_t waiter = dl_waiter_of((uintptr_t)b, &waiting_at);
    if (waiter && crace_pc_instrumented(pc)) {
        misuse_destroy_waited(thr, MISUSE_BARRIER, call, (uintptr_t)b, waiter, waiting_at, pc);
        shadow_reset((uintptr_t)b, 1);
    }
    crace_pt_object(thr, (uintptr_t)b, PT_OBJ_WRITE, pc);
    return waiter;
}

/* An init of b, initialised and not destroyed since, is a misuse
 * (undefined, POSIX). Not for a barrier on a goroutine's stack: one left
 * there by a function that returned without destroying it is dead, and
 * the function's next call makes a new one at the same address. */
static void barrier_check_reinit(crace_thread *thr, pthread_barrier_t *b, uintptr_t pc)
{
    stack_id creation = 0;
    sync_var *s = sync_lock((uintptr_t)b, false, 0);
    if (s) {
        if (rounds_of(s))
            creation = s->creation;
        sync_unlock(s);
    }
    bool tls;
    if (creation && !crace_stack_owner((uintptr_t)b, &tls))
        misuse_reinit(thr, MISUSE_BARRIER, "pthread_barrier_init", (uintptr_t)b, creation, pc);
}

INTERCEPTOR(int, pthread_barrier_init, pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count)
{
    INTERCEPTOR_ENTER(pthread_barrier_init, b, attr, count);
    uintptr_t pc = CALLER_PC();
    if (count == 0)
        misuse_zero_count(thr, "pthread_barrier_init", (uintptr_t)b, pc);
    else if (!barrier_pre_write(thr, b, "pthread_barrier_init", pc))
        barrier_check_reinit(thr, b, pc);
    int r = REAL(pthread_barrier_init)(b, attr, count);
    if (r == 0) {
        struct barrier_rounds *br = crace_alloc(sizeof(*br));
        br->count = count; /* glibc refuses 0 */
        barrier_forget(b);
        sync_var *s = sync_lock((uintptr_t)b, true, crace_current_stack(thr, pc));
        s->ext = br;
        s->ext_free = barrier_rounds_free;
        sync_unlock(s);
    }
    return r;
}

/* Before `call` (at pc) on b: memory that holds no barrier glibc
 * initialised (glibc's wait and destroy may hang on it, or go on). */
static void barrier_check_initialised(crace_thread *thr, pthread_barrier_t *b, const char *call, uintptr_t pc)
{
    if (b && !glibc_barrier_plausible(b))
        misuse_uninitialised(thr, MISUSE_BARRIER, call, (uintptr_t)b, pc);
}

/* The round in progress at b (its number plus one), or 0 if unknown. */
static uint64_t barrier_round_now(pthread_barrier_t *b)
{
    uint64_t round = 0;
    sync_var *s = sync_lock((uintptr_t)b, false, 0);
    if (s) {
        struct barrier_rounds *br = rounds_of(s);
        if (br)
            round = br->arrivals / br->count + 1;
        sync_unlock(s);
    }
    return round;
}

/* glibc's destroy waits for the goroutines still at the barrier to leave:
 * with one blocked there, the destroy is bracketed as a wait for the
 * round in progress to complete (its last arrival wakes it, and a last
 * arrival before the bracket is seen by barrier_round_over), so that a
 * deadlock it closes is reported. */
INTERCEPTOR(int, pthread_barrier_destroy, pthread_barrier_t *b)
{
    INTERCEPTOR_ENTER(pthread_barrier_destroy, b);
    uintptr_t pc = CALLER_PC();
    barrier_check_initialised(thr, b, "pthread_barrier_destroy", pc);
    bool waits = barrier_pre_write(thr, b, "pthread_barrier_destroy", pc) != 0;
    if (waits)
        dl_block_unless(thr, "pthread_barrier_destroy", WAIT_BARRIER, (uintptr_t)b, barrier_round_now(b), NULL,
                        barrier_round_over, crace_current_stack(thr, pc));
    int r = REAL(pthread_barrier_destroy)(b);
    if (waits)
        dl_unblock(thr);
    if (r == 0)
        barrier_forget(b);
    return r;
}

INTERCEPTOR(int, pthread_barrier_wait, pthread_barrier_t *b)
{
    INTERCEPTOR_ENTER(pthread_barrier_wait, b);
    barrier_check_initialised(thr, b, "pthread_barrier_wait", CALLER_PC());
    /* Recorded at the arrival, which every departure of the round follows:
     * the thread that returns PTHREAD_BARRIER_SERIAL_THREAD may destroy
     * the barrier while the others are still on their way out. */
    crace_pt_object(thr, (uintptr_t)b, PT_OBJ_USE, CALLER_PC());
    uint64_t round;
    uintptr_t key = barrier_arrive(b, &round);
    crace_release(thr, key);
    /* The last arrival frees the others and does not wait itself. A
     * process-shared barrier's round may be completed by another
     * process: waited for unbracketed. */
    if (round && glibc_barrier_pshared(b))
        round = 0;
    if (round)
        dl_block_unless(thr, "pthread_barrier_wait", WAIT_BARRIER, (uintptr_t)b, round, NULL, barrier_round_over,
                        crace_current_stack(thr, CALLER_PC()));
    else
        dl_wake((uintptr_t)b);
    int r = REAL(pthread_barrier_wait)(b);
    if (round)
        dl_unblock(thr);
    if (r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD)
        crace_acquire(thr, key);
    return r;
}

/* ================================================================ once */

static int pthread_once_real(void *once, void (*init)(void));

INTERCEPTOR(int, pthread_once, pthread_once_t *once, void (*init)(void))
{
    INTERCEPTOR_ENTER(pthread_once, once, init);
    return crace_pt_once(thr, once, init, pthread_once_real, "pthread_once", CALLER_PC());
}

static int pthread_once_real(void *once, void (*init)(void))
{
    return REAL(pthread_once)(once, init);
}
