/*
 * stub.c: libcrace_stub.so, a definition of every ThreadSanitizer compiler
 * ABI entry point that does nothing but the program's own work.
 *
 * `crace cc` links instrumented binaries against this library instead of
 * libtsan, so they run natively at full speed. `crace run` preloads
 * libcrace.so, whose definitions of the same names win symbol lookup.
 *
 * The hazard is in the word "nothing": an entry point that stands for a
 * program operation must still perform it. Atomics operate (with seq_cst,
 * a valid strengthening of any order the program asked for, so the order
 * argument can be ignored), and memcpy/memmove/memset copy. Only the
 * entry points that merely observe (accesses, function entry and exit,
 * vptr updates, ignore brackets) are empty.
 *
 * The names come from tsan_abi.inc, the list the shim expands too, so the
 * stub cannot miss one the shim defines. The 16-byte atomics use the
 * __atomic builtins on __int128, which gcc always (and clang without
 * -mcx16) compiles to libatomic calls: link with -latomic.
 */
#include <stdint.h>
#include <string.h>

#include "../access.h"
#include "../invisible_barrier.h"
#include "../tsan_abi.inc"
#include "../tsan_annotate.h"

/* Built with -fvisibility=hidden or not, these must be exported. */
#define STUB_API __attribute__((visibility("default")))

/* Every atomic is performed sequentially consistent; see above. */
#define STUB_MO __ATOMIC_SEQ_CST

STUB_API void __tsan_init(void) {}

/* ------------------------------------------------ the fast path's contract */

/* What libcrace_fast.a, linked into the program, needs from the shim
 * (access.h): with no thread record it takes every access to
 * crace_access_entry_slow, which does nothing here. */
STUB_API CRACE_TLS crace_thread *crace_cur;
STUB_API const char CRACE_FAST_ABI_SYMBOL = 1;

STUB_API void crace_access_entry_slow(uintptr_t addr, size_t size, bool is_write, bool is_atomic, uintptr_t pc)
{
    (void)addr;
    (void)size;
    (void)is_write;
    (void)is_atomic;
    (void)pc;
}

STUB_API void crace_func_entry_slow(uintptr_t pc)
{
    (void)pc;
}

STUB_API void crace_func_exit_slow(void) {}

STUB_API void CRACE_FAST_START(uintptr_t lo, uintptr_t hi)
{
    (void)lo;
    (void)hi;
}

/* Never called (crace_cur stays NULL), but the archive refers to it. */
STUB_API void crace_access_miss(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size, shadow_cell cur,
                                uintptr_t pc)
{
    (void)t;
    (void)g;
    (void)addr;
    (void)size;
    (void)cur;
    (void)pc;
}

/* ------------------------------------------------ plain memory accesses */

#define STUB_ACCESS(name, size, is_write) \
    STUB_API void __tsan_##name(void *addr) { (void)addr; }
TSAN_ACCESSES(STUB_ACCESS)
#undef STUB_ACCESS

STUB_API void __tsan_read_range(void *addr, unsigned long size)
{
    (void)addr;
    (void)size;
}

STUB_API void __tsan_write_range(void *addr, unsigned long size)
{
    (void)addr;
    (void)size;
}

#define STUB_PC_ACCESS(name, size, is_write) \
    STUB_API void __tsan_##name(void *addr, void *pc) { (void)addr, (void)pc; }
TSAN_PC_ACCESSES(STUB_PC_ACCESS)
#undef STUB_PC_ACCESS

STUB_API void __tsan_read_range_pc(void *addr, unsigned long size, void *pc)
{
    (void)addr, (void)size, (void)pc;
}

STUB_API void __tsan_write_range_pc(void *addr, unsigned long size, void *pc)
{
    (void)addr, (void)size, (void)pc;
}

#define STUB_UNALIGNED(bits, T)                                      \
    STUB_API T __sanitizer_unaligned_load##bits(const void *p)       \
    {                                                                \
        T v;                                                         \
        memcpy(&v, p, sizeof(v));                                    \
        return v;                                                    \
    }                                                                \
    STUB_API void __sanitizer_unaligned_store##bits(void *p, T v) { memcpy(p, &v, sizeof(v)); }
SANITIZER_UNALIGNED(STUB_UNALIGNED)
#undef STUB_UNALIGNED

/* ------------------------------------------------ shadow call stack, C++ */

STUB_API void __tsan_func_entry(void *call_pc) { (void)call_pc; }
STUB_API void __tsan_func_exit(void) {}

STUB_API void __tsan_vptr_update(void **vptr_p, void *new_val)
{
    (void)vptr_p;
    (void)new_val;
}

STUB_API void __tsan_vptr_read(void **vptr_p) { (void)vptr_p; }

STUB_API void __tsan_ignore_thread_begin(void) {}
STUB_API void __tsan_ignore_thread_end(void) {}

/* ------------------------------------------------ memory intrinsics */

/* The compiler replaced the program's memcpy with this call: copy. */
STUB_API void *__tsan_memcpy(void *dst, const void *src, unsigned long n)
{
    return memcpy(dst, src, n);
}

STUB_API void *__tsan_memmove(void *dst, const void *src, unsigned long n)
{
    return memmove(dst, src, n);
}

STUB_API void *__tsan_memset(void *dst, int c, unsigned long n)
{
    return memset(dst, c, n);
}

/* ------------------------------------------------ atomics */

/* Every atomic operation on one operand type: the ones with their own
 * shapes here, the read-modify-write ones from TSAN_ATOMIC_RMW. */
#define STUB_ATOMIC_OPS(bits, type)                                                        \
    STUB_API type __tsan_atomic##bits##_load(const volatile type *a, int mo)                \
    {                                                                                        \
        (void)mo;                                                                            \
        return __atomic_load_n(a, STUB_MO);                                                  \
    }                                                                                        \
    STUB_API void __tsan_atomic##bits##_store(volatile type *a, type v, int mo)             \
    {                                                                                        \
        (void)mo;                                                                            \
        __atomic_store_n(a, v, STUB_MO);                                                     \
    }                                                                                        \
    /* On failure *c receives the current value, as C11 requires. */                        \
    STUB_API int __tsan_atomic##bits##_compare_exchange_strong(volatile type *a, type *c,   \
                                                               type v, int mo, int fmo)     \
    {                                                                                        \
        (void)mo;                                                                            \
        (void)fmo;                                                                           \
        return __atomic_compare_exchange_n(a, c, v, 0, STUB_MO, STUB_MO);                    \
    }                                                                                        \
    STUB_API int __tsan_atomic##bits##_compare_exchange_weak(volatile type *a, type *c,     \
                                                             type v, int mo, int fmo)       \
    {                                                                                        \
        (void)mo;                                                                            \
        (void)fmo;                                                                           \
        return __atomic_compare_exchange_n(a, c, v, 1, STUB_MO, STUB_MO);                    \
    }                                                                                        \
    /* clang's form: returns the old value, equal to c exactly on success. */               \
    STUB_API type __tsan_atomic##bits##_compare_exchange_val(volatile type *a, type c,      \
                                                             type v, int mo, int fmo)       \
    {                                                                                        \
        (void)mo;                                                                            \
        (void)fmo;                                                                           \
        __atomic_compare_exchange_n(a, &c, v, 0, STUB_MO, STUB_MO);                          \
        return c;                                                                            \
    }                                                                                        \
    TSAN_ATOMIC_RMW(STUB_RMW, bits, type)

/* One read-modify-write operation T op(volatile T *a, T v, int mo). */
#define STUB_RMW(bits, type, name, builtin)                                        \
    STUB_API type __tsan_atomic##bits##_##name(volatile type *a, type v, int mo) \
    {                                                                              \
        (void)mo;                                                                  \
        return builtin(a, v, STUB_MO);                                             \
    }

/* clang warns that 16-byte atomics are not lock-free without -mcx16 and go
 * through libatomic. That is deliberate: the program's own 16-byte atomics
 * take the same path, so both agree on how the location is locked. */
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Watomic-alignment"
#endif
TSAN_ATOMIC_TYPES(STUB_ATOMIC_OPS)
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

STUB_API void __tsan_atomic_thread_fence(int mo)
{
    (void)mo;
    __atomic_thread_fence(STUB_MO);
}

STUB_API void __tsan_atomic_signal_fence(int mo)
{
    (void)mo;
    __atomic_signal_fence(STUB_MO);
}

/* ------------------------------------------------ ThreadSanitizer's own interface */

/* tsan_annotate.h: what only observes does nothing; the barrier of
 * ThreadSanitizer's test.h must still hold its threads. */

STUB_API void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count)
{
    invisible_barrier_init(barrier, count);
}

STUB_API void __tsan_testonly_barrier_wait(unsigned *barrier)
{
    invisible_barrier_wait(barrier);
}

STUB_API unsigned long __tsan_testonly_shadow_stack_current_size(void) { return 0; }
STUB_API void __tsan_acquire(void *addr) { (void)addr; }
STUB_API void __tsan_release(void *addr) { (void)addr; }
STUB_API void __tsan_mutex_create(void *addr, unsigned flags) { (void)addr, (void)flags; }
STUB_API void __tsan_mutex_destroy(void *addr, unsigned flags) { (void)addr, (void)flags; }
STUB_API void __tsan_mutex_pre_lock(void *addr, unsigned flags) { (void)addr, (void)flags; }
STUB_API void __tsan_mutex_post_lock(void *addr, unsigned flags, int recursion)
{
    (void)addr, (void)flags, (void)recursion;
}
STUB_API int __tsan_mutex_pre_unlock(void *addr, unsigned flags)
{
    (void)addr, (void)flags;
    return 0;
}
STUB_API void __tsan_mutex_post_unlock(void *addr, unsigned flags) { (void)addr, (void)flags; }
STUB_API void __tsan_mutex_pre_signal(void *addr, unsigned flags) { (void)addr, (void)flags; }
STUB_API void __tsan_mutex_post_signal(void *addr, unsigned flags) { (void)addr, (void)flags; }
STUB_API void __tsan_mutex_pre_divert(void *addr, unsigned flags) { (void)addr, (void)flags; }
STUB_API void __tsan_mutex_post_divert(void *addr, unsigned flags) { (void)addr, (void)flags; }
STUB_API void AnnotateHappensBefore(const char *file, int line, const volatile void *addr)
{
    (void)file, (void)line, (void)addr;
}
STUB_API void AnnotateHappensAfter(const char *file, int line, const volatile void *addr)
{
    (void)file, (void)line, (void)addr;
}
STUB_API void AnnotateRWLockCreate(const char *file, int line, const volatile void *lock)
{
    (void)file, (void)line, (void)lock;
}
STUB_API void AnnotateRWLockCreateStatic(const char *file, int line, const volatile void *lock)
{
    (void)file, (void)line, (void)lock;
}
STUB_API void AnnotateRWLockDestroy(const char *file, int line, const volatile void *lock)
{
    (void)file, (void)line, (void)lock;
}
STUB_API void AnnotateRWLockAcquired(const char *file, int line, const volatile void *lock, long is_w)
{
    (void)file, (void)line, (void)lock, (void)is_w;
}
STUB_API void AnnotateRWLockReleased(const char *file, int line, const volatile void *lock, long is_w)
{
    (void)file, (void)line, (void)lock, (void)is_w;
}
STUB_API void AnnotateBenignRaceSized(const char *file, int line, const volatile void *mem, unsigned long size,
                                      const char *desc)
{
    (void)file, (void)line, (void)mem, (void)size, (void)desc;
}
STUB_API void AnnotateBenignRace(const char *file, int line, const volatile void *mem, const char *desc)
{
    (void)file, (void)line, (void)mem, (void)desc;
}
STUB_API void AnnotateIgnoreReadsBegin(const char *file, int line) { (void)file, (void)line; }
STUB_API void AnnotateIgnoreReadsEnd(const char *file, int line) { (void)file, (void)line; }
STUB_API void AnnotateIgnoreWritesBegin(const char *file, int line) { (void)file, (void)line; }
STUB_API void AnnotateIgnoreWritesEnd(const char *file, int line) { (void)file, (void)line; }
STUB_API void AnnotateThreadName(const char *file, int line, const char *name)
{
    (void)file, (void)line, (void)name;
}
STUB_API void AnnotateNewMemory(const char *file, int line, const volatile void *mem, unsigned long size)
{
    (void)file, (void)line, (void)mem, (void)size;
}
STUB_API void AnnotateIgnoreSyncBegin(const char *file, int line) { (void)file, (void)line; }
STUB_API void AnnotateIgnoreSyncEnd(const char *file, int line) { (void)file, (void)line; }
STUB_API void WTFAnnotateBenignRaceSized(const char *file, int line, const volatile void *mem, unsigned long size,
                                         const char *desc)
{
    (void)file, (void)line, (void)mem, (void)size, (void)desc;
}
STUB_API void __tsan_check_no_mutexes_held(void) {}
STUB_API void WTFAnnotateHappensBefore(const char *file, int line, const volatile void *addr)
{
    (void)file, (void)line, (void)addr;
}
STUB_API void WTFAnnotateHappensAfter(const char *file, int line, const volatile void *addr)
{
    (void)file, (void)line, (void)addr;
}
STUB_API void AnnotateCondVarSignal(const char *file, int line, const volatile void *cv)
{
    (void)file, (void)line, (void)cv;
}
STUB_API void AnnotateCondVarSignalAll(const char *file, int line, const volatile void *cv)
{
    (void)file, (void)line, (void)cv;
}
STUB_API void AnnotateCondVarWait(const char *file, int line, const volatile void *cv, const volatile void *lock)
{
    (void)file, (void)line, (void)cv, (void)lock;
}
STUB_API void AnnotatePCQCreate(const char *file, int line, const volatile void *pcq)
{
    (void)file, (void)line, (void)pcq;
}
STUB_API void AnnotatePCQDestroy(const char *file, int line, const volatile void *pcq)
{
    (void)file, (void)line, (void)pcq;
}
STUB_API void AnnotatePCQPut(const char *file, int line, const volatile void *pcq)
{
    (void)file, (void)line, (void)pcq;
}
STUB_API void AnnotatePCQGet(const char *file, int line, const volatile void *pcq)
{
    (void)file, (void)line, (void)pcq;
}
STUB_API void AnnotateExpectRace(const char *file, int line, const volatile void *mem, const char *desc)
{
    (void)file, (void)line, (void)mem, (void)desc;
}
STUB_API void AnnotateFlushExpectedRaces(const char *file, int line) { (void)file, (void)line; }
STUB_API void AnnotatePublishMemoryRange(const char *file, int line, const volatile void *mem, unsigned long size)
{
    (void)file, (void)line, (void)mem, (void)size;
}
STUB_API void AnnotateUnpublishMemoryRange(const char *file, int line, const volatile void *mem, unsigned long size)
{
    (void)file, (void)line, (void)mem, (void)size;
}
STUB_API void AnnotateMutexIsUsedAsCondVar(const char *file, int line, const volatile void *mu)
{
    (void)file, (void)line, (void)mu;
}
STUB_API void AnnotateMutexIsNotPHB(const char *file, int line, const volatile void *mu)
{
    (void)file, (void)line, (void)mu;
}
STUB_API void AnnotateEnableRaceDetection(const char *file, int line, int enable)
{
    (void)file, (void)line, (void)enable;
}
STUB_API void AnnotateTraceMemory(const char *file, int line, const volatile void *mem)
{
    (void)file, (void)line, (void)mem;
}
STUB_API void AnnotateFlushState(const char *file, int line) { (void)file, (void)line; }
STUB_API void AnnotateNoOp(const char *file, int line, const volatile void *arg)
{
    (void)file, (void)line, (void)arg;
}
STUB_API void AnnotateMemoryIsInitialized(const char *file, int line, const volatile void *mem, unsigned long size)
{
    (void)file, (void)line, (void)mem, (void)size;
}
STUB_API void AnnotateMemoryIsUninitialized(const char *file, int line, const volatile void *mem, unsigned long size)
{
    (void)file, (void)line, (void)mem, (void)size;
}
/* Natively, no slowdown; no detector to ask. */
STUB_API double ValgrindSlowdown(void) { return 1.0; }
STUB_API const char *ThreadSanitizerQuery(const char *query)
{
    (void)query;
    return "0";
}
