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
 * (AnnotateIgnoreSyncBegin/End) and the custom mutex interface
 * (__tsan_mutex_*), which crace does not model; a program using them
 * fails to link rather than run with a meaning crace does not give it.
 */
#include <stdint.h>

#include "access.h"
#include "intercept.h"
#include "invisible_barrier.h"
#include "suppress.h"
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

/* A lock the detector does not see (a spin lock of the program's own):
 * its acquisition acquires what its releases released. */
CRACE_EXPORT void AnnotateRWLockCreate(const char *file, int line, const volatile void *lock)
{
    (void)file, (void)line;
    crace_thread *t = crace_thr();
    if (t) {
        t->in_shim++;
        sync_free((uintptr_t)lock);
        t->in_shim--;
    }
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
    (void)file, (void)line, (void)is_w;
    sync_on((uintptr_t)lock, false);
}

CRACE_EXPORT void AnnotateRWLockReleased(const char *file, int line, const volatile void *lock, long is_w)
{
    (void)file, (void)line, (void)is_w;
    sync_on((uintptr_t)lock, true);
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

/* crace cannot tell a thread's reads from its writes apart here: either
 * bracket ignores both, as __tsan_ignore_thread_begin/end do. */
CRACE_EXPORT void AnnotateIgnoreReadsBegin(const char *file, int line)
{
    (void)file, (void)line;
    crace_thr()->ignore++;
}

CRACE_EXPORT void AnnotateIgnoreReadsEnd(const char *file, int line)
{
    (void)file, (void)line;
    crace_thread *t = crace_thr();
    if (crace_ignoring(t))
        t->ignore--;
}

CRACE_EXPORT void AnnotateIgnoreWritesBegin(const char *file, int line)
{
    AnnotateIgnoreReadsBegin(file, line);
}

CRACE_EXPORT void AnnotateIgnoreWritesEnd(const char *file, int line)
{
    AnnotateIgnoreReadsEnd(file, line);
}

/* Reports name goroutines by number. */
CRACE_EXPORT void AnnotateThreadName(const char *file, int line, const char *name)
{
    (void)file, (void)line, (void)name;
}
