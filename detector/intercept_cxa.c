/*
 * intercept_cxa.c: C++ function-local statics (the Itanium C++ ABI's
 * initialisation guards) as happens-before edges.
 *
 * `static T x = f();` in a function compiles to an inline acquire load of
 * a guard word, then, while it reads 0, a call of __cxa_guard_acquire; the
 * thread that gets 1 back runs the initialiser and calls
 * __cxa_guard_release, which marks the guard done and wakes the others.
 * The inline load is instrumented (an atomic acquire load of the guard's
 * first byte); the store that marks it done is in libstdc++, which is
 * not, so without these the initialiser's writes raced with every other
 * thread's first use of the object. As in ThreadSanitizer: the release
 * releases the guard's address before the real one publishes it (a load
 * that sees the guard done finds the clock there), and an acquire that
 * returns 0 (done by another thread, perhaps while this one waited)
 * acquires it. An abort (the initialiser threw) releases too: the next
 * thread to try runs after it.
 */
#include <stdint.h>

#include "intercept.h"
#include "sync.h"
#include "thread.h"

INTERCEPTOR(int, __cxa_guard_acquire, int64_t *guard)
{
    INTERCEPTOR_ENTER(__cxa_guard_acquire, guard);
    int r = REAL(__cxa_guard_acquire)(guard);
    if (r == 0)
        crace_acquire(thr, (uintptr_t)guard);
    return r;
}

INTERCEPTOR(void, __cxa_guard_release, int64_t *guard)
{
    INTERCEPTOR_ENTER(__cxa_guard_release, guard);
    crace_release(thr, (uintptr_t)guard);
    REAL(__cxa_guard_release)(guard);
}

INTERCEPTOR(void, __cxa_guard_abort, int64_t *guard)
{
    INTERCEPTOR_ENTER(__cxa_guard_abort, guard);
    crace_release(thr, (uintptr_t)guard);
    REAL(__cxa_guard_abort)(guard);
}
