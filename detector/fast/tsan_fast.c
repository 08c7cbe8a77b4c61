/*
 * tsan_fast.c: libcrace_fast.a, the memory-access fast path that `crace
 * cc` links into the programs and libraries it builds (access.h explains
 * why, and the contract with the shim it depends on).
 *
 * Hidden definitions of __tsan_readN/writeN, their unaligned and
 * volatile variants, and __tsan_func_entry/exit: each module calls its own
 * copy directly. Under the shim they check the shadow (or push and pop
 * the shadow stack) and settle the common case; anything else
 * goes to the shim's crace_access_miss (granule found, no cell records the
 * access) or crace_access_entry_slow (the rest). Run natively (the stub,
 * no shim), each returns after testing crace_cur and started (below).
 */
#include <stdint.h>

/* Weak: the stub does not define the directory (a quarter of a gigabyte
 * of address space in every program run natively). It is read only
 * once crace_cur is non-NULL, that is under the shim, which defines it. */
#define CRACE_SHADOW_DIR_WEAK __attribute__((weak))

/* Set by the module's first constructor when the shim is there: from then
 * on the module is relocated and the fast path may call the shim for a
 * thread it does not know yet (access.h, CRACE_FAST_CAN_CALL). A static of
 * the module, read without any relocation. */
static int started;
#define CRACE_FAST_CAN_CALL __atomic_load_n(&started, __ATOMIC_RELAXED)

#include "access.h"
#include "intercept.h"
#include "tsan_abi.inc"

/* Run natively, the stub defines no shadow directory (weak: NULL) and
 * crace_cur stays NULL: started stays 0, and every access, entry and
 * exit returns after that one test instead of calling the stub's empty
 * functions through the PLT (a call-heavy program ran 4-7x slower than
 * uninstrumented for those calls alone). Under the shim, the module
 * also gives it the bounds of its function entry and exit, which a
 * signal handler must not interrupt (access.h). */
__attribute__((constructor(101))) static void fast_start(void)
{
    if (crace_shadow_dir != NULL) {
        CRACE_FAST_START((uintptr_t)__start_crace_hist_text, (uintptr_t)__stop_crace_hist_text);
        __atomic_store_n(&started, 1, __ATOMIC_RELAXED);
    }
}

#define FAST_ENTRY __attribute__((visibility("hidden")))

#define TSAN_FAST_FN(name, size, is_write)                                            \
    FAST_ENTRY void __tsan_##name(void *addr);                                        \
    FAST_ENTRY void __tsan_##name(void *addr)                                         \
    {                                                                                 \
        crace_access_inline((uintptr_t)addr, size, is_write, false, CRACE_PC_CALLER); \
    }
TSAN_ACCESSES(TSAN_FAST_FN)
#undef TSAN_FAST_FN

FAST_ENTRY void __tsan_func_entry(void *pc);
FAST_ENTRY CRACE_HIST_TEXT_FN void __tsan_func_entry(void *pc)
{
    crace_func_entry_inline((uintptr_t)pc);
}

FAST_ENTRY void __tsan_func_exit(void);
FAST_ENTRY CRACE_HIST_TEXT_FN void __tsan_func_exit(void)
{
    crace_func_exit_inline();
}

/* The reference that ties this archive to the shim's version of the
 * contract: resolved when the program starts, or the loader stops it.
 * Kept by the compiler (used) and by a linker collecting unreferenced
 * sections (retain). */
__attribute__((used, retain)) static const char *const fast_abi = &CRACE_FAST_ABI_SYMBOL;
