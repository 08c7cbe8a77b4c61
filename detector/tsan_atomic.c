/*
 * tsan_atomic.c: the compiler ABI's atomic operations. Each performs the
 * real atomic operation with the order asked for, checks it as an atomic
 * access (an atomic access never races with another atomic access), and
 * records happens-before as C11 defines it:
 *  - acquire loads (and seq_cst, consume) acquire the object's clock;
 *  - release stores replace it (a new release sequence); release RMWs
 *    join into it, and relaxed RMWs leave it alone, so a release sequence
 *    continues through them;
 *  - fences: a relaxed store after a release fence carries the clock the
 *    thread had at that fence; a relaxed load gathers the object's clock,
 *    which the next acquire fence takes. ThreadSanitizer ignores fences;
 *    crace does not.
 */
#include <stdint.h>

#include "access.h"
#include "intercept.h"
#include "sync.h"
#include "tsan_abi.inc"

/* 16-byte atomics are what the program asked for; they go through
 * libatomic (not lock-free on every x86-64), which clang warns about. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Watomic-alignment"
#endif

/* Fence state per thread. Set only once a fence was seen, so programs
 * without fences pay nothing on relaxed operations. */
struct fence_state {
    vclock_t release; /* clock at the last release fence */
    vclock_t acquire; /* clocks gathered by relaxed loads since */
    bool has_release;
};
static CRACE_TLS struct fence_state *fences;
static _Atomic bool fences_used;

static struct fence_state *fence_state(void)
{
    if (!fences) {
        fences = crace_alloc(sizeof(*fences));
        vc_init(&fences->release);
        vc_init(&fences->acquire);
    }
    return fences;
}

static inline bool mo_acquires(int mo)
{
    return mo == TSAN_MO_CONSUME || mo == TSAN_MO_ACQUIRE || mo == TSAN_MO_ACQ_REL || mo == TSAN_MO_SEQ_CST;
}

static inline bool mo_releases(int mo)
{
    return mo == TSAN_MO_RELEASE || mo == TSAN_MO_ACQ_REL || mo == TSAN_MO_SEQ_CST;
}

/* What a relaxed load does for fences: gather the object's clock. */
static void relaxed_load_gather(crace_thread *t, uintptr_t a)
{
    (void)t;
    sync_var *s = sync_lock(a, false, 0);
    if (!s)
        return;
    vc_join(&fence_state()->acquire, &s->vc);
    sync_unlock(s);
}

/* What a relaxed store does after a release fence: publish that clock. */
static void relaxed_store_publish(crace_thread *t, uintptr_t a, bool rmw)
{
    struct fence_state *f = fences;
    if (!f || !f->has_release)
        return;
    sync_var *s = sync_lock(a, true, 0);
    if (rmw)
        vc_join(&s->vc, &f->release);
    else
        vc_copy(&s->vc, &f->release);
    sync_unlock(s);
    (void)t;
}

/* The calling thread, called from the program's code: a safe point for
 * a signal deferred while it was inside the detector (a loop of atomic
 * loads waiting for a flag its handler sets must see the handler run).
 * The operations then run under crace_busy: they change the thread's
 * clock, which a handler's release reads. */
static crace_thread *atomic_thr(uintptr_t pc)
{
    crace_thread *t = crace_thr();
    if (CRACE_UNLIKELY(t->ignore & CRACE_IGNORE_SIGNAL))
        crace_signal_poll(t, pc);
    return t;
}

static void on_load(uintptr_t a, unsigned size, int mo, uintptr_t pc)
{
    crace_thread *t = atomic_thr(pc);
    if (crace_ignoring(t))
        return;
    crace_busy++;
    crace_access_atomic(t, a, size, false, pc);
    if (mo_acquires(mo))
        crace_acquire(t, a);
    else if (atomic_load_explicit(&fences_used, memory_order_relaxed))
        relaxed_load_gather(t, a);
    crace_busy--;
}

static void on_store(uintptr_t a, unsigned size, int mo, uintptr_t pc)
{
    crace_thread *t = atomic_thr(pc);
    if (crace_ignoring(t))
        return;
    crace_busy++;
    crace_access_atomic(t, a, size, true, pc);
    if (mo_releases(mo))
        crace_release_store(t, a);
    else if (atomic_load_explicit(&fences_used, memory_order_relaxed))
        relaxed_store_publish(t, a, false);
    crace_busy--;
}

static void on_rmw(uintptr_t a, unsigned size, int mo, uintptr_t pc)
{
    crace_thread *t = atomic_thr(pc);
    if (crace_ignoring(t))
        return;
    crace_busy++;
    crace_access_atomic(t, a, size, true, pc);
    if (mo_acquires(mo) && mo_releases(mo))
        crace_acquire_release(t, a);
    else if (mo_acquires(mo))
        crace_acquire(t, a);
    else if (mo_releases(mo))
        crace_release(t, a);
    if (!mo_releases(mo) && atomic_load_explicit(&fences_used, memory_order_relaxed)) {
        if (!mo_acquires(mo))
            relaxed_load_gather(t, a);
        relaxed_store_publish(t, a, true);
    }
    crace_busy--;
}

/* The builtins need a constant order; the ABI passes a variable one.
 * seq_cst is a valid strengthening of every order, and costs nothing more
 * on x86 for RMWs; loads and stores keep their cheaper forms when the
 * order allows. */
#define ATOMIC_FNS(bits, T)                                                                    \
    CRACE_EXPORT T __tsan_atomic##bits##_load(const volatile T *a, int mo)                     \
    {                                                                                          \
        T v = mo == TSAN_MO_RELAXED ? __atomic_load_n(a, __ATOMIC_RELAXED)                     \
                                    : __atomic_load_n(a, __ATOMIC_SEQ_CST);                    \
        on_load((uintptr_t)a, bits / 8, mo, CALLER_PC());                                       \
        return v;                                                                              \
    }                                                                                          \
    CRACE_EXPORT void __tsan_atomic##bits##_store(volatile T *a, T v, int mo)                  \
    {                                                                                          \
        on_store((uintptr_t)a, bits / 8, mo, CALLER_PC());                                      \
        if (mo == TSAN_MO_RELAXED)                                                             \
            __atomic_store_n(a, v, __ATOMIC_RELAXED);                                          \
        else                                                                                   \
            __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                          \
    }                                                                                          \
    CRACE_EXPORT int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *e, T d, int mo, \
                                                                   int fmo)                    \
    {                                                                                          \
        bool ok = __atomic_compare_exchange_n(a, e, d, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
        if (ok)                                                                                \
            on_rmw((uintptr_t)a, bits / 8, mo, CALLER_PC());                                    \
        else                                                                                   \
            on_load((uintptr_t)a, bits / 8, fmo, CALLER_PC());                                  \
        return ok;                                                                             \
    }                                                                                          \
    CRACE_EXPORT int __tsan_atomic##bits##_compare_exchange_weak(volatile T *a, T *e, T d, int mo, \
                                                                 int fmo)                      \
    {                                                                                          \
        bool ok = __atomic_compare_exchange_n(a, e, d, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
        if (ok)                                                                                \
            on_rmw((uintptr_t)a, bits / 8, mo, CALLER_PC());                                    \
        else                                                                                   \
            on_load((uintptr_t)a, bits / 8, fmo, CALLER_PC());                                  \
        return ok;                                                                             \
    }                                                                                          \
    CRACE_EXPORT T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T e, T d, int mo, int fmo) \
    {                                                                                          \
        T old = e;                                                                             \
        bool ok = __atomic_compare_exchange_n(a, &old, d, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
        if (ok)                                                                                \
            on_rmw((uintptr_t)a, bits / 8, mo, CALLER_PC());                                    \
        else                                                                                   \
            on_load((uintptr_t)a, bits / 8, fmo, CALLER_PC());                                  \
        return old;                                                                            \
    }

#define RMW_FN(bits, T, name, builtin)                                       \
    CRACE_EXPORT T __tsan_atomic##bits##_##name(volatile T *a, T v, int mo)  \
    {                                                                        \
        T old = builtin(a, v, __ATOMIC_SEQ_CST);                             \
        on_rmw((uintptr_t)a, bits / 8, mo, CALLER_PC());                      \
        return old;                                                          \
    }

#define RMW_FOR_TYPE(bits, T) ATOMIC_FNS(bits, T) TSAN_ATOMIC_RMW(RMW_FN, bits, T)

TSAN_ATOMIC_TYPES(RMW_FOR_TYPE)

CRACE_EXPORT void __tsan_atomic_thread_fence(int mo)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    crace_thread *t = atomic_thr(CALLER_PC());
    if (crace_ignoring(t) || mo == TSAN_MO_RELAXED)
        return;
    crace_busy++;
    atomic_store_explicit(&fences_used, true, memory_order_relaxed);
    struct fence_state *f = fence_state();
    if (mo_acquires(mo))
        vc_join(&t->vc, &f->acquire);
    if (mo_releases(mo)) {
        vc_copy(&f->release, &t->vc);
        f->has_release = true;
        crace_thread_tick(t);
    }
    crace_busy--;
}

CRACE_EXPORT void __tsan_atomic_signal_fence(int mo)
{
    (void)mo;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}
