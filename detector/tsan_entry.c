/*
 * tsan_entry.c: the ThreadSanitizer compiler ABI for memory accesses and
 * function entry/exit (tsan_abi.inc lists them). Each entry point is one
 * call into the inlined hot path of access.h.
 */
#include <stdint.h>

#include "access.h"
#include "intercept.h"
#include "process_end.h"
#include "tsan_abi.inc"
#include "tsan_annotate.h"
#include "tsan_atomic.h"

/* Whether a module built with the instrumentation (`crace cc`) set itself
 * up in this process: without one, no access is checked, and no data
 * race can be found. */
static _Atomic bool instrumented;

/* Called by every instrumented module (each translation unit, with
 * gcc) before any of its code runs. */
CRACE_EXPORT void __tsan_init(void)
{
    crace_init();
    crace_atomic_module_init(CALLER_PC());
    if (!atomic_load_explicit(&instrumented, memory_order_relaxed) &&
        !atomic_exchange_explicit(&instrumented, true, memory_order_relaxed))
        process_mark_instrumented();
}

#define TSAN_ACCESS_FN(name, size, is_write)                                          \
    CRACE_EXPORT void __tsan_##name(void *addr)                                       \
    {                                                                                 \
        crace_access_inline((uintptr_t)addr, size, is_write, false, CRACE_PC_CALLER); \
    }
TSAN_ACCESSES(TSAN_ACCESS_FN)
#undef TSAN_ACCESS_FN

static void range(void *addr, unsigned long size, bool is_write, uintptr_t pc)
{
    crace_thread *t = crace_thr();
    if (!crace_ignoring(t) && size)
        crace_access_range(t, (uintptr_t)addr, size, is_write, pc);
}

CRACE_EXPORT void __tsan_read_range(void *addr, unsigned long size)
{
    range(addr, size, false, CALLER_PC());
}

CRACE_EXPORT void __tsan_write_range(void *addr, unsigned long size)
{
    range(addr, size, true, CALLER_PC());
}

/* The caller's pc stands for the return address of an instrumented call
 * (symbolized at pc - 1, as a return address is). */
#define TSAN_PC_ACCESS_FN(name, size, is_write)                                     \
    CRACE_EXPORT void __tsan_##name(void *addr, void *pc)                           \
    {                                                                               \
        crace_access_inline((uintptr_t)addr, size, is_write, false, (uintptr_t)pc); \
    }
TSAN_PC_ACCESSES(TSAN_PC_ACCESS_FN)
#undef TSAN_PC_ACCESS_FN

CRACE_EXPORT void __tsan_read_range_pc(void *addr, unsigned long size, void *pc)
{
    range(addr, size, false, (uintptr_t)pc);
}

CRACE_EXPORT void __tsan_write_range_pc(void *addr, unsigned long size, void *pc)
{
    range(addr, size, true, (uintptr_t)pc);
}

/* Memory copies of unaligned data: the real access, and its check. */
#define UNALIGNED_FN(bits, T)                                                       \
    CRACE_EXPORT T __sanitizer_unaligned_load##bits(const void *p)                  \
    {                                                                               \
        crace_access_inline((uintptr_t)p, bits / 8, false, false, CRACE_PC_CALLER); \
        T v;                                                                        \
        __builtin_memcpy(&v, p, sizeof(v));                                         \
        return v;                                                                   \
    }                                                                               \
    CRACE_EXPORT void __sanitizer_unaligned_store##bits(void *p, T v)               \
    {                                                                               \
        crace_access_inline((uintptr_t)p, bits / 8, true, false, CRACE_PC_CALLER);  \
        __builtin_memcpy(p, &v, sizeof(v));                                         \
    }
SANITIZER_UNALIGNED(UNALIGNED_FN)
#undef UNALIGNED_FN

/* Function entry and exit: the common case inline (access.h), the rest
 * here; also called by the copies linked into instrumented programs. */
CRACE_EXPORT void crace_func_entry_slow(uintptr_t pc)
{
    crace_thread *t = crace_thr_hook();
    if (CRACE_UNLIKELY(!t))
        return;
    crace_busy++;
    crace_hist_put_busy(t, ((uint64_t)pc << 3) | EV_FUNC_ENTRY);
    crace_shstack_reserve(t, 1); /* a thread without a ring has no room kept */
    t->shstack[t->depth++] = pc;
    crace_busy--;
}

CRACE_EXPORT void crace_func_exit_slow(void)
{
    crace_thread *t = crace_thr_hook();
    if (CRACE_UNLIKELY(!t))
        return;
    crace_hist_put(t, EV_FUNC_EXIT);
    if (t->depth > 0)
        t->depth--;
}

CRACE_EXPORT CRACE_HIST_TEXT_FN void __tsan_func_entry(void *pc)
{
    crace_func_entry_inline((uintptr_t)pc);
}

CRACE_EXPORT CRACE_HIST_TEXT_FN void __tsan_func_exit(void)
{
    crace_func_exit_inline();
}

/* C++ vtable pointer accesses: a read, and a write that only counts when
 * the pointer changes (a benign rewrite of the same vptr is not a race). */
CRACE_EXPORT void __tsan_vptr_read(void **vptr_p)
{
    crace_access_inline((uintptr_t)vptr_p, sizeof(void *), false, false, CRACE_PC_CALLER);
}

CRACE_EXPORT void __tsan_vptr_update(void **vptr_p, void *new_val)
{
    if (*vptr_p != new_val)
        crace_access_inline((uintptr_t)vptr_p, sizeof(void *), true, false, CRACE_PC_CALLER);
}

CRACE_EXPORT void __tsan_ignore_thread_begin(void)
{
    crace_annotated_ignore_begin(CALLER_PC());
}

CRACE_EXPORT void __tsan_ignore_thread_end(void)
{
    crace_annotated_ignore_end();
}
