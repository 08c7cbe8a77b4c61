/*
 * intercept.h: the one shape every interceptor has.
 *
 *     INTERCEPTOR(int, pthread_mutex_lock, pthread_mutex_t *m)
 *     {
 *         INTERCEPTOR_ENTER(pthread_mutex_lock);   // guard: pass through
 *                                                  // when the shim is not
 *                                                  // ready or re-entered
 *         ...pre-hook...
 *         int r = REAL(pthread_mutex_lock)(m);
 *         if (r == 0) ...post-hook...
 *         return r;
 *     }
 *
 * INTERCEPTOR defines the exported function and a static pointer to the
 * real one, found with dlsym(RTLD_NEXT) on first use (dlvsym for the
 * versioned pthread_cond_* family). INTERCEPTOR_ENTER is the one macro with
 * hidden control flow in the shim: while the shim is not initialised, or
 * the calling thread is inside the shim already (t->ignore_interceptors),
 * it returns the real call's result directly. It leaves the current
 * thread in `thr` for the hooks, after running the program's handlers of
 * signals deferred while the thread was inside the detector (the start
 * of an interceptor is a safe point: intercept_signal.h).
 *
 * Interceptors carry no detector logic: they bracket the real call and
 * call into the engine (sync.h, thread.h, access.h, heap.h).
 */
#ifndef CRACE_INTERCEPT_H
#define CRACE_INTERCEPT_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>

#include "intercept_signal.h"
#include "module.h"
#include "rt.h"
#include "shadow.h"
#include "thread.h"

void *crace_real(const char *name, const char *version);

#define INTERCEPTOR(ret, name, ...)                    \
    static ret (*real_##name)(__VA_ARGS__);            \
    CRACE_EXPORT ret name(__VA_ARGS__)

/* The real function, resolved once (a benign race resolves it twice). */
static inline void *crace_resolve(void **slot, const char *name, const char *version)
{
    void *p = __atomic_load_n(slot, __ATOMIC_RELAXED);
    if (CRACE_UNLIKELY(!p)) {
        p = crace_real(name, version);
        __atomic_store_n(slot, p, __ATOMIC_RELAXED);
    }
    return p;
}
#define REAL(name) ((__typeof__(real_##name))crace_resolve((void **)&real_##name, #name, NULL))
#define REAL_VERSIONED(name, version) \
    ((__typeof__(real_##name))crace_resolve((void **)&real_##name, #name, version))

/* Guard with the real call's arguments: INTERCEPTOR_ENTER(name, args...). */
#define INTERCEPTOR_ENTER(name, ...)                                       \
    crace_thread *thr = crace_inited ? crace_cur : NULL;                     \
    if (CRACE_UNLIKELY(!crace_inited || (thr && thr->in_shim)))              \
        return REAL(name)(__VA_ARGS__);                                      \
    if (!thr)                                                                \
        thr = crace_thread_attach();                                         \
    if (CRACE_UNLIKELY(thr->ignore & CRACE_IGNORE_SIGNAL))                   \
        crace_signal_poll_from(thr, CALLER_PC())

#define CALLER_PC() ((uintptr_t)__builtin_return_address(0))

/* Around a libc call that calls back into the program (pthread_once's
 * init function, qsort's comparator): pc, the caller's, pushed on the
 * shadow stack as an instrumented call pushes its own, so that a stack
 * taken in the callback goes on through the caller's frame (the
 * callback's own entry records the libc pc that called it, and the
 * caller's call site was never recorded). ThreadSanitizer's interceptors
 * push theirs likewise. Through the exported entry points, whose section
 * a signal handler does not interrupt (access.h). */
void __tsan_func_entry(void *pc);
void __tsan_func_exit(void);
static inline void crace_callout_enter(uintptr_t pc)
{
    __tsan_func_entry((void *)pc);
}
static inline void crace_callout_leave(void)
{
    __tsan_func_exit();
}

/* crace_pc_in_shim: module.h. */

/* [addr, addr + size) begins a new life, as a block just allocated: what
 * was recorded of it is forgotten (AnnotateNewMemory; memory the OpenMP
 * runtime hands the program afresh, intercept_openmp.c, intercept_libc.c). */
static inline void crace_memory_fresh(crace_thread *t, uintptr_t addr, size_t size)
{
    t->in_shim++;
    shadow_reset(addr, size);
    t->in_shim--;
}

/* For the interceptors of libc functions that read or write the program's
 * memory on its behalf (intercept_libc.c, intercept_stdio.c): the thread
 * to check a call from pc for, or NULL to pass the call through (the
 * shim not ready, the thread inside it or ignoring accesses, a call from
 * the shim's own code). */
static inline crace_thread *crace_libc_caller(uintptr_t pc)
{
    if (CRACE_UNLIKELY(!crace_inited))
        return NULL;
    crace_thread *t = crace_cur;
    if (t && (t->in_shim || crace_ignoring(t)))
        return NULL;
    if (crace_pc_in_shim(pc))
        return NULL;
    return t ? t : crace_thread_attach();
}

/* How many bytes of each of a and b a comparison read: up to the first
 * difference (ignoring case when nocase, as strcasecmp does) or, for
 * strings, the first terminator; at most n. */
static inline size_t crace_compared_bytes(const void *a, const void *b, size_t n, bool strings, bool nocase)
{
    const unsigned char *x = a, *y = b;
    size_t i = 0;
    while (i < n && (nocase ? tolower(x[i]) == tolower(y[i]) : x[i] == y[i]) && !(strings && x[i] == 0))
        i++;
    return i < n ? i + 1 : n;
}

/* The same for a call from the program's instrumented code only: an
 * uninstrumented library's calls pass through too (its atomics, its own
 * structures, which it may guard with locks crace does not see). */
static inline crace_thread *crace_program_caller(uintptr_t pc)
{
    crace_thread *t = crace_libc_caller(pc);
    return t && crace_pc_instrumented(pc) ? t : NULL;
}

#endif /* CRACE_INTERCEPT_H */
