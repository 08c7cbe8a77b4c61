/*
 * intercept_c11.c: C11 <threads.h> (thrd_*, mtx_*, cnd_*, call_once), with
 * the semantics of their pthread counterparts (intercept_pthread.c, whose
 * shared helpers do the work).
 *
 * glibc implements these over its pthread internals, but calls them
 * directly rather than through the PLT, so the pthread interceptors never
 * see them: each needs its own. Its mtx_t and cnd_t are a pthread_mutex_t
 * and a (current ABI) pthread_cond_t in disguise, which the owner check of
 * an unlock relies on; thrd_t is a pthread_t.
 *
 * C11 results are thrd_success, thrd_busy, thrd_timedout, thrd_nomem and
 * thrd_error; only thrd_success (and thrd_timedout for a condvar wait,
 * which returns with the mutex held) is an operation that happened.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <threads.h>

#include "access.h"
#include "deadlock.h"
#include "intercept.h"
#include "intercept_pthread.h"
#include "lockorder.h"
#include "rt.h"
#include "sync.h"
#include "thread.h"

/* ================================================================ threads */

/* What thrd_create hands its child; crace_alloc'd by the creator, freed
 * by the child once read. C11 threads are always created joinable. */
struct c11_start {
    thrd_start_t fn;
    void *arg;
    crace_thread *child;
};

static int c11_trampoline(void *p)
{
    struct c11_start *cs = p;
    thrd_start_t fn = cs->fn;
    void *arg = cs->arg;
    crace_thread *child = cs->child;
    crace_free(cs);
    crace_thread_start(child);
    crace_pt_finish_after_tls();

    /* The handler also runs on thrd_exit, pthread_exit and cancellation,
     * which unwind past the code below (see thread_trampoline). */
    int ret;
    pthread_cleanup_push(crace_pt_thread_cleanup, child);
    ret = fn(arg);
    pthread_cleanup_pop(1);
    return ret;
}

INTERCEPTOR(int, thrd_create, thrd_t *th, thrd_start_t fn, void *arg)
{
    INTERCEPTOR_ENTER(thrd_create, th, fn, arg);
    crace_thread *child = crace_thread_prepare(thr, crace_current_stack(thr, CALLER_PC()));
    struct c11_start *cs = crace_alloc(sizeof(*cs));
    cs->fn = fn;
    cs->arg = arg;
    cs->child = child;
    /* Not the program's accesses: see pthread_create. */
    thr->ignore++;
    int r = REAL(thrd_create)(th, c11_trampoline, cs);
    thr->ignore--;
    if (r == thrd_success) {
        crace_thread_created(child, (pthread_t)*th);
    } else {
        crace_thread_abandon(child);
        crace_free(cs);
    }
    return r;
}

/* Not INTERCEPTOR_ENTER, for the reason given at pthread_exit. */
INTERCEPTOR(void, thrd_exit, int res)
{
    crace_thread *thr = crace_inited ? crace_cur : NULL;
    if (thr && !thr->in_shim) {
        crace_pt_thread_exit(thr);
    }
    REAL(thrd_exit)(res);
    __builtin_unreachable();
}

/* Accesses unchecked inside, acquire after: see pthread_join. */
INTERCEPTOR(int, thrd_join, thrd_t th, int *res)
{
    INTERCEPTOR_ENTER(thrd_join, th, res);
    crace_thread *target = crace_pt_thread_target(thr, (pthread_t)th, "thrd_join", CALLER_PC());
    thr->ignore++;
    crace_pt_block(thr, "thrd_join", WAIT_THREAD, (uintptr_t)th, crace_current_stack(thr, CALLER_PC()));
    int r = REAL(thrd_join)(th, res);
    dl_unblock(thr);
    thr->ignore--;
    if (r == thrd_success)
        crace_thread_joined(thr, (pthread_t)th, target);
    return r;
}

/* Before the real call: see pthread_detach. */
INTERCEPTOR(int, thrd_detach, thrd_t th)
{
    INTERCEPTOR_ENTER(thrd_detach, th);
    crace_pt_thread_target(thr, (pthread_t)th, "thrd_detach", CALLER_PC());
    crace_thread_detached((pthread_t)th);
    return REAL(thrd_detach)(th);
}

/* ================================================================ mutexes */

INTERCEPTOR(int, mtx_init, mtx_t *m, int type)
{
    INTERCEPTOR_ENTER(mtx_init, m, type);
    crace_pt_object(thr, (uintptr_t)m, PT_OBJ_WRITE, CALLER_PC());
    int r = REAL(mtx_init)(m, type);
    if (r == thrd_success)
        crace_pt_sync_reset(thr, (uintptr_t)m, CALLER_PC());
    return r;
}

INTERCEPTOR(void, mtx_destroy, mtx_t *m)
{
    INTERCEPTOR_ENTER(mtx_destroy, m);
    crace_pt_object(thr, (uintptr_t)m, PT_OBJ_WRITE, CALLER_PC());
    crace_pt_pre_destroy(thr, (uintptr_t)m, PT_MUTEX, "mtx_destroy", CALLER_PC());
    REAL(mtx_destroy)(m);
    crace_pt_sync_forget((uintptr_t)m);
}

/* Defined below: a lock tries first, so only a real wait is bracketed. */
static int (*real_mtx_trylock)(mtx_t *m);

INTERCEPTOR(int, mtx_lock, mtx_t *m)
{
    INTERCEPTOR_ENTER(mtx_lock, m);
    stack_id stack = crace_current_stack(thr, CALLER_PC());
    int r = REAL(mtx_trylock)(m);
    for (long budget = crace_pt_lock_spin_budget(); r == thrd_busy && crace_pt_lock_spin(m, &budget);)
        r = REAL(mtx_trylock)(m);
    if (r == thrd_busy) {
        crace_pt_block(thr, "mtx_lock", WAIT_MUTEX, (uintptr_t)m, stack);
        r = REAL(mtx_lock)(m);
        dl_unblock(thr);
    }
    if (r == thrd_success)
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, 0, stack, CALLER_PC());
    crace_pt_mutex_rejected(thr, m, "mtx_lock", r == thrd_error, CALLER_PC());
    return r;
}

INTERCEPTOR(int, mtx_trylock, mtx_t *m)
{
    INTERCEPTOR_ENTER(mtx_trylock, m);
    int r = REAL(mtx_trylock)(m);
    if (r == thrd_success)
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, LO_TRY, crace_current_stack(thr, CALLER_PC()), CALLER_PC());
    crace_pt_mutex_rejected(thr, m, "mtx_trylock", r == thrd_error, CALLER_PC());
    return r;
}

INTERCEPTOR(int, mtx_timedlock, mtx_t *m, const struct timespec *ts)
{
    INTERCEPTOR_ENTER(mtx_timedlock, m, ts);
    int r = REAL(mtx_timedlock)(m, ts);
    if (r == thrd_success)
        crace_pt_mutex_post_lock(thr, (uintptr_t)m, 0, crace_current_stack(thr, CALLER_PC()), CALLER_PC());
    crace_pt_mutex_rejected(thr, m, "mtx_timedlock", r == thrd_error, CALLER_PC());
    return r;
}

/* mtx_recursive mutexes refuse a non-owner's unlock, mtx_plain ones do not
 * (undefined in C11; glibc unlocks them): an mtx_t is a pthread_mutex_t
 * (PT_MUTEX), whose kind tells which. */
INTERCEPTOR(int, mtx_unlock, mtx_t *m)
{
    INTERCEPTOR_ENTER(mtx_unlock, m);
    crace_pt_mutex_pre_unlock(thr, (uintptr_t)m, PT_MUTEX, "mtx_unlock", false, CALLER_PC());
    int r = REAL(mtx_unlock)(m);
    dl_wake((uintptr_t)m);
    crace_pt_mutex_unlock_rejected(thr, m, "mtx_unlock", r == thrd_error, CALLER_PC());
    return r;
}

/* ================================================================ condvars */

INTERCEPTOR(int, cnd_init, cnd_t *c)
{
    INTERCEPTOR_ENTER(cnd_init, c);
    crace_pt_object(thr, (uintptr_t)c, PT_OBJ_WRITE, CALLER_PC());
    int r = REAL(cnd_init)(c);
    if (r == thrd_success)
        crace_pt_sync_reset(thr, (uintptr_t)c, CALLER_PC());
    return r;
}

INTERCEPTOR(void, cnd_destroy, cnd_t *c)
{
    INTERCEPTOR_ENTER(cnd_destroy, c);
    crace_pt_object(thr, (uintptr_t)c, PT_OBJ_WRITE, CALLER_PC());
    bool waits = crace_pt_cond_pre_destroy(thr, (uintptr_t)c, "cnd_destroy", CALLER_PC());
    REAL(cnd_destroy)(c);
    if (waits)
        dl_unblock(thr);
    crace_pt_sync_forget((uintptr_t)c);
}

INTERCEPTOR(int, cnd_signal, cnd_t *c)
{
    INTERCEPTOR_ENTER(cnd_signal, c);
    crace_pt_object(thr, (uintptr_t)c, PT_OBJ_USE, CALLER_PC());
    dl_wake((uintptr_t)c);
    return REAL(cnd_signal)(c);
}

INTERCEPTOR(int, cnd_broadcast, cnd_t *c)
{
    INTERCEPTOR_ENTER(cnd_broadcast, c);
    crace_pt_object(thr, (uintptr_t)c, PT_OBJ_USE, CALLER_PC());
    dl_wake((uintptr_t)c);
    return REAL(cnd_broadcast)(c);
}

/* Around a wait on c with m, as pthread_cond_wait's (crace_pt_cond_*):
 * held again after a wake-up or a timeout (or a failure before unlocking
 * m, if thr held it). */
static bool cnd_relocked(int r, bool owned)
{
    return r == thrd_success || r == thrd_timedout || owned;
}

INTERCEPTOR(int, cnd_wait, cnd_t *c, mtx_t *m)
{
    INTERCEPTOR_ENTER(cnd_wait, c, m);
    stack_id at;
    bool owned = crace_pt_cond_pre_wait(thr, (uintptr_t)c, (uintptr_t)m, "cnd_wait", true, CALLER_PC(), &at);
    int r = REAL(cnd_wait)(c, m);
    crace_pt_cond_post_wait(thr, (uintptr_t)c, (uintptr_t)m, true, cnd_relocked(r, owned), at, CALLER_PC());
    return r;
}

INTERCEPTOR(int, cnd_timedwait, cnd_t *c, mtx_t *m, const struct timespec *ts)
{
    INTERCEPTOR_ENTER(cnd_timedwait, c, m, ts);
    stack_id at;
    bool owned = crace_pt_cond_pre_wait(thr, (uintptr_t)c, (uintptr_t)m, "cnd_timedwait", false, CALLER_PC(), &at);
    int r = REAL(cnd_timedwait)(c, m, ts);
    crace_pt_cond_post_wait(thr, (uintptr_t)c, (uintptr_t)m, false, cnd_relocked(r, owned), at, CALLER_PC());
    return r;
}

/* ================================================================ once */

static int call_once_real(void *flag, void (*init)(void));

INTERCEPTOR(void, call_once, once_flag *flag, void (*init)(void))
{
    INTERCEPTOR_ENTER(call_once, flag, init);
    crace_pt_once(thr, flag, init, call_once_real, "call_once", CALLER_PC());
}

static int call_once_real(void *flag, void (*init)(void))
{
    REAL(call_once)(flag, init);
    return 0;
}
