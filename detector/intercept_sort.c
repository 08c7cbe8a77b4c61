/*
 * intercept_sort.c: qsort and qsort_r, which move the program's elements
 * inside libc, out of the instrumentation's sight.
 *
 * A sort is a write of the whole array (it may move any element), checked
 * after the real call at the caller's pc, as ThreadSanitizer's
 * interceptor does: a goroutine sorting an array that another one
 * searches or reads unordered races, though the comparator's own reads
 * (instrumented) see only pairs of elements. The comparator runs as the
 * program's code, as it is, with the sort's call site on the shadow
 * stack (crace_callout_enter).
 */
#include <stdlib.h>

#include "access.h"
#include "intercept.h"

/* The array's bytes, or 0 when n * size does not fit. */
static size_t array_bytes(size_t n, size_t size)
{
    return size && n <= SIZE_MAX / size ? n * size : 0;
}

INTERCEPTOR(void, qsort, void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = crace_libc_caller(pc);
    if (t)
        crace_callout_enter(pc);
    REAL(qsort)(base, n, size, cmp);
    if (t) {
        crace_callout_leave();
        crace_check_range(t, base, array_bytes(n, size), true, pc);
    }
}

INTERCEPTOR(void, qsort_r, void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *),
            void *arg)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = crace_libc_caller(pc);
    if (t)
        crace_callout_enter(pc);
    REAL(qsort_r)(base, n, size, cmp, arg);
    if (t) {
        crace_callout_leave();
        crace_check_range(t, base, array_bytes(n, size), true, pc);
    }
}
