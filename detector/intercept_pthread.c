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
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "access.h"
#include "deadlock.h"
#include "intercept.h"
#include "intercept_pthread.h"
#include "lock.h"
#include "rt.h"
#include "sync.h"
#include "thread.h"

/* ================================================================ shared */

/* addr is a new object (its init succeeded): forget what the memory held
 * before and record where it was created. */
void crace_pt_sync_reset(crace_thread *thr, uintptr_t addr, uintptr_t pc)
{
    sync_free(addr);
    sync_unlock(sync_lock(addr, true, crace_current_stack(thr, pc)));
}

/* thr is about to block forever in reason (a pthread call) on obj: the
 * deadlock detector's bracket opens; dl_unblock closes it. */
void crace_pt_block(crace_thread *thr, const char *reason, int kind, uintptr_t obj, uintptr_t pc)
{
    dl_block(thr, reason, (enum wait_object)kind, obj, NULL, crace_current_stack(thr, pc));
}

/* A lock that would block: a trylock first, so that only a lock that
 * really waits is bracketed for the deadlock detector (which costs a
 * stack). A mutex that checks its owner and is held by the caller fails
 * at once (EDEADLK) instead of blocking. */
static bool mutex_would_block_forever(crace_thread *thr, pthread_mutex_t *m)
{
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
 * passed to an init (static initialisers). */
void crace_pt_mutex_post_lock(crace_thread *thr, uintptr_t m, uintptr_t pc)
{
    crace_acquire(thr, m);
    stack_id stack = crace_current_stack(thr, pc);
    sync_var *s = sync_lock(m, true, stack);
    if (s->owner_gid == thr->gid && s->recursion > 0) {
        s->recursion++;
    } else {
        s->owner_gid = thr->gid;
        s->lock_stack = stack;
        s->recursion = 1;
    }
    sync_unlock(s);
}

/* Before the real unlock of m. The release comes first, while thr still
 * holds m: done after the real unlock, another thread could lock m in
 * between and miss the edge. When the real unlock then fails (EPERM, an
 * unlock by a non-owner), the edge is extra; that is a misuse anyway.
 *
 * The bookkeeping, too, must change before the real unlock: afterwards a
 * new owner's post-lock may already have run. nonowner_fails says whether
 * the real unlock refuses a caller that does not own m (error-checking,
 * recursive, robust and priority-inheritance mutexes); otherwise (normal
 * mutexes, spinlocks) glibc unlocks it for anyone, undefined as that is,
 * and m is free afterwards. Returns true when thr owned m. */
bool crace_pt_mutex_pre_unlock(crace_thread *thr, uintptr_t m, bool nonowner_fails)
{
    bool owner = false;
    sync_var *s = sync_lock(m, false, 0);
    if (s) {
        owner = s->owner_gid == thr->gid && s->recursion > 0;
        bool frees = owner ? --s->recursion == 0 : !nonowner_fails;
        if (frees) {
            s->owner_gid = 0;
            s->lock_stack = 0;
            s->recursion = 0;
        }
        sync_unlock(s);
    }
    crace_release(thr, m);
    return owner;
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

/* A lock call returned r: is the mutex held now? EOWNERDEAD (robust
 * mutexes) hands over the lock of an owner that died. */
static bool mutex_held(int r)
{
    return r == 0 || r == EOWNERDEAD;
}

/* Thread ends. A thread's end is reached once by returning from its start
 * routine, by pthread_exit (which unwinds through the start routine's
 * cleanup handler too) or by cancellation; the flag makes the second
 * arrival a no-op. It is thread-local rather than a look at the thread's
 * state because after crace_thread_finish the engine may reuse that state. */
static CRACE_TLS bool thread_finished;

void crace_pt_thread_exit(crace_thread *t)
{
    if (thread_finished)
        return;
    thread_finished = true;
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
 * keys the state on the once object, not the function); the object and the
 * function reach it through these thread-locals, which a nested once call
 * from inside an init function saves and restores. */
static CRACE_TLS uintptr_t once_addr;
static CRACE_TLS void (*once_fn)(void);

static void once_trampoline(void)
{
    uintptr_t addr = once_addr;
    void (*fn)(void) = once_fn;
    fn();
    crace_release(crace_thr(), addr);
}

int crace_pt_once(crace_thread *thr, void *once, void (*fn)(void),
                  int (*real)(void *once, void (*init)(void)))
{
    uintptr_t saved_addr = once_addr;
    void (*saved_fn)(void) = once_fn;
    once_addr = (uintptr_t)once;
    once_fn = fn;
    int r = real(once, once_trampoline);
    once_addr = saved_addr;
    once_fn = saved_fn;
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
};

static void *thread_trampoline(void *p)
{
    struct thread_start *ts = p;
    void *(*fn)(void *) = ts->fn;
    void *arg = ts->arg;
    crace_thread *child = ts->child;
    crace_free(ts);
    crace_thread_start(child);

    /* The handler also runs when the thread calls pthread_exit or is
     * cancelled, which unwind past the code below. */
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
    thr->ignore++;
    int r = REAL(pthread_create)(th, attr, thread_trampoline, ts);
    thr->ignore--;
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
 * from before the shim); for the others the cleanup handler would, and the
 * flag in crace_pt_thread_exit makes that a no-op. */
INTERCEPTOR(void, pthread_exit, void *retval)
{
    crace_thread *thr = crace_inited ? crace_cur : NULL;
    if (thr && !thr->in_shim)
        crace_pt_thread_exit(thr);
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
    thr->ignore++;
    crace_pt_block(thr, "pthread_join", WAIT_THREAD, (uintptr_t)th, CALLER_PC());
    int r = REAL(pthread_join)(th, retval);
    dl_unblock(thr);
    thr->ignore--;
    if (r == 0)
        crace_thread_joined(thr, th);
    return r;
}

INTERCEPTOR(int, pthread_tryjoin_np, pthread_t th, void **retval)
{
    INTERCEPTOR_ENTER(pthread_tryjoin_np, th, retval);
    thr->ignore++;
    int r = REAL(pthread_tryjoin_np)(th, retval);
    thr->ignore--;
    if (r == 0)
        crace_thread_joined(thr, th);
    return r;
}

INTERCEPTOR(int, pthread_timedjoin_np, pthread_t th, void **retval, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_timedjoin_np, th, retval, abstime);
    thr->ignore++;
    int r = REAL(pthread_timedjoin_np)(th, retval, abstime);
    thr->ignore--;
    if (r == 0)
        crace_thread_joined(thr, th);
    return r;
}

INTERCEPTOR(int, pthread_clockjoin_np, pthread_t th, void **retval, clockid_t clockid, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_clockjoin_np, th, retval, clockid, abstime);
    thr->ignore++;
    int r = REAL(pthread_clockjoin_np)(th, retval, clockid, abstime);
    thr->ignore--;
    if (r == 0)
        crace_thread_joined(thr, th);
    return r;
}

/* The engine learns of the detach before the real call: once detached, a
 * finished thread's handle is free for glibc to reuse at once. The real
 * detach fails only for a handle that is not joinable (already detached,
 * or no thread), which the engine has no live joinable thread for. */
INTERCEPTOR(int, pthread_detach, pthread_t th)
{
    INTERCEPTOR_ENTER(pthread_detach, th);
    crace_thread_detached(th);
    return REAL(pthread_detach)(th);
}

/* ================================================================ mutexes */

INTERCEPTOR(int, pthread_mutex_init, pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
    INTERCEPTOR_ENTER(pthread_mutex_init, m, attr);
    int r = REAL(pthread_mutex_init)(m, attr);
    if (r == 0)
        crace_pt_sync_reset(thr, (uintptr_t)m, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_mutex_destroy, pthread_mutex_t *m)
{
    INTERCEPTOR_ENTER(pthread_mutex_destroy, m);
    int r = REAL(pthread_mutex_destroy)(m);
    if (r == 0)
        sync_free((uintptr_t)m);
    return r;
}

INTERCEPTOR(int, pthread_mutex_trylock, pthread_mutex_t *m)
{
    INTERCEPTOR_ENTER(pthread_mutex_trylock, m);
    int r = REAL(pthread_mutex_trylock)(m);
    if (mutex_held(r))
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_mutex_lock, pthread_mutex_t *m)
{
    INTERCEPTOR_ENTER(pthread_mutex_lock, m);
    int r = REAL(pthread_mutex_trylock)(m);
    if (r == EBUSY) {
        bool forever = mutex_would_block_forever(thr, m);
        if (forever)
            crace_pt_block(thr, "pthread_mutex_lock", WAIT_MUTEX, (uintptr_t)m, CALLER_PC());
        r = REAL(pthread_mutex_lock)(m);
        if (forever)
            dl_unblock(thr);
    }
    if (mutex_held(r))
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_mutex_timedlock, pthread_mutex_t *m, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_mutex_timedlock, m, abstime);
    int r = REAL(pthread_mutex_timedlock)(m, abstime);
    if (mutex_held(r))
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_mutex_clocklock, pthread_mutex_t *m, clockid_t clockid, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_mutex_clocklock, m, clockid, abstime);
    int r = REAL(pthread_mutex_clocklock)(m, clockid, abstime);
    if (mutex_held(r))
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_mutex_unlock, pthread_mutex_t *m)
{
    INTERCEPTOR_ENTER(pthread_mutex_unlock, m);
    crace_pt_mutex_pre_unlock(thr, (uintptr_t)m, crace_pt_mutex_checks_owner(m));
    int r = REAL(pthread_mutex_unlock)(m);
    dl_wake((uintptr_t)m);
    return r;
}

/* ================================================================ spinlocks */

/* Mutexes without kinds: glibc's unlock never checks the owner. */

INTERCEPTOR(int, pthread_spin_init, pthread_spinlock_t *l, int pshared)
{
    INTERCEPTOR_ENTER(pthread_spin_init, l, pshared);
    int r = REAL(pthread_spin_init)(l, pshared);
    if (r == 0)
        crace_pt_sync_reset(thr, (uintptr_t)l, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_spin_destroy, pthread_spinlock_t *l)
{
    INTERCEPTOR_ENTER(pthread_spin_destroy, l);
    int r = REAL(pthread_spin_destroy)(l);
    if (r == 0)
        sync_free((uintptr_t)l);
    return r;
}

INTERCEPTOR(int, pthread_spin_lock, pthread_spinlock_t *l)
{
    INTERCEPTOR_ENTER(pthread_spin_lock, l);
    int r = REAL(pthread_spin_lock)(l);
    if (r == 0)
        crace_pt_mutex_post_lock(thr, (uintptr_t)l, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_spin_trylock, pthread_spinlock_t *l)
{
    INTERCEPTOR_ENTER(pthread_spin_trylock, l);
    int r = REAL(pthread_spin_trylock)(l);
    if (r == 0)
        crace_pt_mutex_post_lock(thr, (uintptr_t)l, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_spin_unlock, pthread_spinlock_t *l)
{
    INTERCEPTOR_ENTER(pthread_spin_unlock, l);
    crace_pt_mutex_pre_unlock(thr, (uintptr_t)l, false);
    return REAL(pthread_spin_unlock)(l);
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
 * Readers are not recorded: a sync_var has room for one owner. */
#define RW_READERS(rw) ((uintptr_t)(rw) + 1)

static void rwlock_post_rdlock(crace_thread *thr, pthread_rwlock_t *rw)
{
    crace_acquire(thr, (uintptr_t)rw);
}

static void rwlock_post_wrlock(crace_thread *thr, pthread_rwlock_t *rw, uintptr_t pc)
{
    crace_pt_mutex_post_lock(thr, (uintptr_t)rw, pc);
    crace_acquire(thr, RW_READERS(rw));
}

/* Before the real unlock, for the reasons given at crace_pt_mutex_pre_unlock. */
static void rwlock_pre_unlock(crace_thread *thr, pthread_rwlock_t *rw)
{
    bool writer = false;
    sync_var *s = sync_lock((uintptr_t)rw, false, 0);
    if (s) {
        writer = s->owner_gid == thr->gid && s->recursion > 0;
        if (writer) {
            s->owner_gid = 0;
            s->lock_stack = 0;
            s->recursion = 0;
        }
        sync_unlock(s);
    }
    crace_release(thr, writer ? (uintptr_t)rw : RW_READERS(rw));
}

INTERCEPTOR(int, pthread_rwlock_init, pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
    INTERCEPTOR_ENTER(pthread_rwlock_init, rw, attr);
    int r = REAL(pthread_rwlock_init)(rw, attr);
    if (r == 0) {
        sync_free(RW_READERS(rw));
        crace_pt_sync_reset(thr, (uintptr_t)rw, CALLER_PC());
    }
    return r;
}

INTERCEPTOR(int, pthread_rwlock_destroy, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_destroy, rw);
    int r = REAL(pthread_rwlock_destroy)(rw);
    if (r == 0) {
        sync_free((uintptr_t)rw);
        sync_free(RW_READERS(rw));
    }
    return r;
}

/* The try variants are defined below; the blocking ones try first. */
static int (*real_pthread_rwlock_tryrdlock)(pthread_rwlock_t *rw);
static int (*real_pthread_rwlock_trywrlock)(pthread_rwlock_t *rw);

INTERCEPTOR(int, pthread_rwlock_rdlock, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_rdlock, rw);
    int r = REAL(pthread_rwlock_tryrdlock)(rw);
    if (r == EBUSY) {
        crace_pt_block(thr, "pthread_rwlock_rdlock", WAIT_RWLOCK, (uintptr_t)rw, CALLER_PC());
        r = REAL(pthread_rwlock_rdlock)(rw);
        dl_unblock(thr);
    }
    if (r == 0)
        rwlock_post_rdlock(thr, rw);
    return r;
}

INTERCEPTOR(int, pthread_rwlock_tryrdlock, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_tryrdlock, rw);
    int r = REAL(pthread_rwlock_tryrdlock)(rw);
    if (r == 0)
        rwlock_post_rdlock(thr, rw);
    return r;
}

INTERCEPTOR(int, pthread_rwlock_timedrdlock, pthread_rwlock_t *rw, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_rwlock_timedrdlock, rw, abstime);
    int r = REAL(pthread_rwlock_timedrdlock)(rw, abstime);
    if (r == 0)
        rwlock_post_rdlock(thr, rw);
    return r;
}

INTERCEPTOR(int, pthread_rwlock_clockrdlock, pthread_rwlock_t *rw, clockid_t clockid, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_rwlock_clockrdlock, rw, clockid, abstime);
    int r = REAL(pthread_rwlock_clockrdlock)(rw, clockid, abstime);
    if (r == 0)
        rwlock_post_rdlock(thr, rw);
    return r;
}

INTERCEPTOR(int, pthread_rwlock_wrlock, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_wrlock, rw);
    int r = REAL(pthread_rwlock_trywrlock)(rw);
    if (r == EBUSY) {
        crace_pt_block(thr, "pthread_rwlock_wrlock", WAIT_RWLOCK, (uintptr_t)rw, CALLER_PC());
        r = REAL(pthread_rwlock_wrlock)(rw);
        dl_unblock(thr);
    }
    if (r == 0)
        rwlock_post_wrlock(thr, rw, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_trywrlock, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_trywrlock, rw);
    int r = REAL(pthread_rwlock_trywrlock)(rw);
    if (r == 0)
        rwlock_post_wrlock(thr, rw, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_timedwrlock, pthread_rwlock_t *rw, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_rwlock_timedwrlock, rw, abstime);
    int r = REAL(pthread_rwlock_timedwrlock)(rw, abstime);
    if (r == 0)
        rwlock_post_wrlock(thr, rw, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_clockwrlock, pthread_rwlock_t *rw, clockid_t clockid, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_rwlock_clockwrlock, rw, clockid, abstime);
    int r = REAL(pthread_rwlock_clockwrlock)(rw, clockid, abstime);
    if (r == 0)
        rwlock_post_wrlock(thr, rw, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_rwlock_unlock, pthread_rwlock_t *rw)
{
    INTERCEPTOR_ENTER(pthread_rwlock_unlock, rw);
    rwlock_pre_unlock(thr, rw);
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

/* Around a wait on c with m: m is released before the real wait (the
 * unlock inside it happens before whoever locks m next). The wait returns
 * with m held again when it waited (0, a timeout, a dead robust owner),
 * and also when it failed before unlocking m (a bad time, say) if thr held
 * m. A wake-up (0) also acquires c: a signal or broadcast happens before
 * the wake-up it causes. */
static bool cond_pre_wait(crace_thread *thr, pthread_mutex_t *m)
{
    return crace_pt_mutex_pre_unlock(thr, (uintptr_t)m, crace_pt_mutex_checks_owner(m));
}

static void cond_post_wait(crace_thread *thr, pthread_cond_t *c, pthread_mutex_t *m, int r, bool owned,
                           uintptr_t pc)
{
    if (r == 0)
        crace_acquire(thr, (uintptr_t)c);
    if (r == 0 || r == ETIMEDOUT || r == EOWNERDEAD || owned)
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, pc);
}

INTERCEPTOR(int, pthread_cond_init, pthread_cond_t *c, const pthread_condattr_t *attr)
{
    (void)REAL_COND(pthread_cond_init);
    INTERCEPTOR_ENTER(pthread_cond_init, c, attr);
    int r = REAL_COND(pthread_cond_init)(c, attr);
    if (r == 0)
        crace_pt_sync_reset(thr, (uintptr_t)c, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_cond_destroy, pthread_cond_t *c)
{
    (void)REAL_COND(pthread_cond_destroy);
    INTERCEPTOR_ENTER(pthread_cond_destroy, c);
    int r = REAL_COND(pthread_cond_destroy)(c);
    if (r == 0)
        sync_free((uintptr_t)c);
    return r;
}

INTERCEPTOR(int, pthread_cond_signal, pthread_cond_t *c)
{
    (void)REAL_COND(pthread_cond_signal);
    INTERCEPTOR_ENTER(pthread_cond_signal, c);
    crace_release(thr, (uintptr_t)c);
    dl_wake((uintptr_t)c);
    return REAL_COND(pthread_cond_signal)(c);
}

INTERCEPTOR(int, pthread_cond_broadcast, pthread_cond_t *c)
{
    (void)REAL_COND(pthread_cond_broadcast);
    INTERCEPTOR_ENTER(pthread_cond_broadcast, c);
    crace_release(thr, (uintptr_t)c);
    dl_wake((uintptr_t)c);
    return REAL_COND(pthread_cond_broadcast)(c);
}

INTERCEPTOR(int, pthread_cond_wait, pthread_cond_t *c, pthread_mutex_t *m)
{
    (void)REAL_COND(pthread_cond_wait);
    INTERCEPTOR_ENTER(pthread_cond_wait, c, m);
    bool owned = cond_pre_wait(thr, m);
    /* The mutex is free for others from here: someone may wait for it. */
    dl_wake((uintptr_t)m);
    crace_pt_block(thr, "pthread_cond_wait", WAIT_COND, (uintptr_t)c, CALLER_PC());
    int r = REAL_COND(pthread_cond_wait)(c, m);
    dl_unblock(thr);
    cond_post_wait(thr, c, m, r, owned, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_cond_timedwait, pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    (void)REAL_COND(pthread_cond_timedwait);
    INTERCEPTOR_ENTER(pthread_cond_timedwait, c, m, abstime);
    bool owned = cond_pre_wait(thr, m);
    dl_wake((uintptr_t)m);
    int r = REAL_COND(pthread_cond_timedwait)(c, m, abstime);
    cond_post_wait(thr, c, m, r, owned, CALLER_PC());
    return r;
}

INTERCEPTOR(int, pthread_cond_clockwait, pthread_cond_t *c, pthread_mutex_t *m, clockid_t clockid,
            const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(pthread_cond_clockwait, c, m, clockid, abstime);
    bool owned = cond_pre_wait(thr, m);
    dl_wake((uintptr_t)m);
    int r = REAL(pthread_cond_clockwait)(c, m, clockid, abstime);
    cond_post_wait(thr, c, m, r, owned, CALLER_PC());
    return r;
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

/* The clock of the round the caller arrives in; *waits tells whether the
 * caller will wait (it is not the round's last arrival). Unknown for a
 * barrier never seen at init: then false, so it is never taken for
 * blocked. */
static uintptr_t barrier_arrive(pthread_barrier_t *b, bool *waits)
{
    uintptr_t key = (uintptr_t)b;
    *waits = false;
    sync_var *s = sync_lock((uintptr_t)b, false, 0);
    if (s) {
        struct barrier_rounds *br = s->ext;
        if (br) {
            uint64_t n = br->arrivals++;
            key = BARRIER_ROUND(b, n / br->count);
            *waits = (n + 1) % br->count != 0;
        }
        sync_unlock(s);
    }
    return key;
}

static void barrier_forget(pthread_barrier_t *b)
{
    sync_free((uintptr_t)b);
    sync_free(BARRIER_ROUND(b, 0));
    sync_free(BARRIER_ROUND(b, 1));
}

INTERCEPTOR(int, pthread_barrier_init, pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count)
{
    INTERCEPTOR_ENTER(pthread_barrier_init, b, attr, count);
    int r = REAL(pthread_barrier_init)(b, attr, count);
    if (r == 0) {
        struct barrier_rounds *br = crace_alloc(sizeof(*br));
        br->count = count; /* glibc refuses 0 */
        barrier_forget(b);
        sync_var *s = sync_lock((uintptr_t)b, true, crace_current_stack(thr, CALLER_PC()));
        s->ext = br;
        s->ext_free = crace_free;
        sync_unlock(s);
    }
    return r;
}

INTERCEPTOR(int, pthread_barrier_destroy, pthread_barrier_t *b)
{
    INTERCEPTOR_ENTER(pthread_barrier_destroy, b);
    int r = REAL(pthread_barrier_destroy)(b);
    if (r == 0)
        barrier_forget(b);
    return r;
}

INTERCEPTOR(int, pthread_barrier_wait, pthread_barrier_t *b)
{
    INTERCEPTOR_ENTER(pthread_barrier_wait, b);
    bool waits;
    uintptr_t round = barrier_arrive(b, &waits);
    crace_release(thr, round);
    /* The last arrival frees the others and does not wait itself. */
    if (waits)
        crace_pt_block(thr, "pthread_barrier_wait", WAIT_BARRIER, (uintptr_t)b, CALLER_PC());
    else
        dl_wake((uintptr_t)b);
    int r = REAL(pthread_barrier_wait)(b);
    if (waits)
        dl_unblock(thr);
    if (r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD)
        crace_acquire(thr, round);
    return r;
}

/* ================================================================ once */

static int pthread_once_real(void *once, void (*init)(void));

INTERCEPTOR(int, pthread_once, pthread_once_t *once, void (*init)(void))
{
    INTERCEPTOR_ENTER(pthread_once, once, init);
    return crace_pt_once(thr, once, init, pthread_once_real);
}

static int pthread_once_real(void *once, void (*init)(void))
{
    return REAL(pthread_once)(once, init);
}
