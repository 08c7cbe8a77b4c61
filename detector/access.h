/*
 * access.h: checking one memory access against the shadow (the hot path),
 * and the current stack.
 */
#ifndef CRACE_ACCESS_H
#define CRACE_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stackdepot.h"
#include "thread.h"

/* Checks and records an access of size bytes at addr by t at pc (the
 * return address into the accessing function). No lock, no allocation
 * except the rare overflow block, no system call. */
void crace_access(crace_thread *t, uintptr_t addr, size_t size, bool is_write, bool is_atomic, uintptr_t pc);

/* The same for an atomic operation (a read, or a write for a store or a
 * read-modify-write): cheaper when the granule holds only atomic
 * accesses. */
void crace_access_atomic(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc);

/* Reports a use of size bytes at addr (within one granule) by t at pc
 * when the memory is freed (its granule holds the freed marks, shadow.h):
 * a heap use after free, or a race with the free; true when it is. For
 * uses the shadow does not otherwise see: a lock's use lives in its sync
 * object (intercept_pthread.c). */
bool crace_access_freed(crace_thread *t, uintptr_t addr, size_t size, bool is_write, bool is_atomic, uintptr_t pc);

/* Reports the race of cur, an access of size bytes at addr by t at pc,
 * with old, a record kept elsewhere than the shadow (a synchronisation
 * object's last use) whose history event t's slot or another logged. */
void crace_report_race(crace_thread *t, uintptr_t addr, size_t size, shadow_cell cur, shadow_cell old, uintptr_t pc);

/* Makes the report held back while t->reports_wait was set, if any
 * (thread.h): with no lock of the detector's held. */
void crace_reports_flush(crace_thread *t);

/* The same for a range of any length (memcpy, read_range, free). */
void crace_access_range(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc);

/* The same for a range that is checked but not recorded: memory whose
 * records are about to be replaced (a free marks a block freed). */
void crace_access_range_check(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc);
/* As crace_access_range, where the shadow holds some record only: a
 * free of a big block that was mostly never touched (a 1 GiB buffer of
 * which a few pages were used) checks and records what was touched, and
 * does not map and write the shadow of the rest, as ThreadSanitizer's
 * free does not either (it looks at a block's first kilobyte). */
void crace_access_range_touched(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc);

/* A range read or written by an intercepted libc function on the
 * program's behalf (memcpy, read, write...): checked inside the shim, with
 * errno kept as it was (the program may read it after a call that
 * succeeded; a report or a futex wait may set it). Nothing for n == 0 or a
 * NULL pointer. */
void crace_check_range(crace_thread *t, const void *p, size_t n, bool is_write, uintptr_t pc);

/* The current stack: pc, then the shadow call stack; when that is empty
 * (uninstrumented code) the stack is unwound with libunwind. Stored in
 * the depot. */
stack_id crace_current_stack(crace_thread *t, uintptr_t pc);
/* Same into a buffer; returns the number of frames. */
size_t crace_current_pcs(crace_thread *t, uintptr_t pc, uintptr_t *out, size_t max);


/* ---- the hot path, inlined into every __tsan_read/write entry point ---- */

/* log: record the access in the history (a range access logs once per
 * chunk instead). */
void crace_access_slow(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size,
                       shadow_cell cur, uintptr_t pc, bool log);

/* Does the record c happen before what t does now: t's own, or one t's
 * clock covers? (The scans over many cells keep t's clock in locals.) */
static inline bool sc_happens_before(shadow_cell c, const crace_thread *t)
{
    uint32_t s = sc_slot(c);
    return s == t->slot || (s < t->vc.size && sc_clock(c) <= t->vc.clk[s]);
}

/* True when cell c already records what cur would: the same epoch, a
 * superset of its bytes, and the same kind, or a write of ours in this
 * epoch covering a read. */
static inline __attribute__((always_inline)) bool sc_covers_same_epoch(shadow_cell c, shadow_cell cur)
{
    const uint64_t kind = 0xff | SC_WRITE_BIT;
    if ((c ^ cur) & ~kind)
        return false; /* other epoch or atomicity */
    if ((sc_mask(c) & sc_mask(cur)) != sc_mask(cur))
        return false;
    return sc_is_write(c) || !sc_is_write(cur);
}

/* sc_covers_same_epoch for the fast path, as the bits of one compare:
 * want is cur with its whole mask byte set, fill the bytes of the granule
 * cur does not touch. c covers cur when c's bytes with fill's make the
 * whole byte (cur's bytes are a subset of c's) and every other bit
 * equals cur's: the epoch and atomicity, and for a write the write bit
 * (only a write covers a write; a read is covered by either). An empty
 * cell or an overflow pointer has no bytes, so it covers nothing. With
 * is_write and, for an aligned 8-byte access, fill == 0 known at compile
 * time, a cell costs a load, an or, an xor and a test. */
static inline __attribute__((always_inline)) bool sc_covers_fast(shadow_cell c, shadow_cell want, uint64_t fill,
                                                                 bool is_write)
{
    const uint64_t read_free = is_write ? 0 : SC_WRITE_BIT;
    return (((c | fill) ^ want) & ~read_free) == 0;
}

/* An access within one granule: addr .. addr + size - 1 do not cross an
 * 8-byte boundary. */
static inline __attribute__((always_inline)) void crace_access_granule(crace_thread *t, uintptr_t addr, size_t size, bool is_write,
                                        bool is_atomic, uintptr_t pc)
{
    shadow_granule *g = shadow_get(addr);
    if (CRACE_UNLIKELY(!g))
        return;
    unsigned mask = ((1u << size) - 1) << (addr & 7);
    shadow_cell cur = sc_make(t->epoch, mask, is_write, is_atomic);
    for (int i = 0; i < SHADOW_INLINE; i++)
        if (sc_covers_same_epoch(atomic_load_explicit(sg_cell(g, i), memory_order_relaxed), cur))
            return;
    crace_access_slow(t, g, addr, size, cur, pc, true);
}

/*
 * The fast path below runs in two places: in libcrace.so's exported
 * __tsan_readN/writeN (tsan_entry.c), and in libcrace_fast.a
 * (detector/fast/tsan_fast.c), which `crace cc` links into every program
 * and library it builds, as hidden definitions of the same entry points.
 * The instrumentation's calls then reach them directly instead of through
 * the PLT of a preloaded library: a call into a shared library through
 * its PLT cost more than the whole check (docs/performance.md).
 *
 * The fast path built into a program reads crace_cur, the hot fields
 * want and own_cell of crace_thread, crace_shadow_dir and the cell encoding, and calls
 * crace_access_entry_slow: all exported by libcrace.so and by the stub
 * (which keeps crace_cur NULL). Function entry and exit (below) also use
 * the thread's shadow stack and history ring (the fields
 * crace_hist_put_inside reads, with the room the history keeps on the
 * shadow stack: thread.h), crace_func_entry_slow/exit_slow and
 * CRACE_FAST_START.
 * CRACE_FAST_ABI names that contract; the
 * archive refers to the symbol CRACE_FAST_ABI_SYMBOL, so a program built
 * with another version of crace fails to start with "undefined symbol:
 * crace_fast_abi_N" instead of misreading the shim's memory. Any change to
 * what the fast path reads bumps it.
 */
#define CRACE_FAST_ABI 9
#define CRACE_FAST_ABI_SYMBOL crace_fast_abi_9
extern CRACE_EXPORT const char CRACE_FAST_ABI_SYMBOL;

/* May the fast path call out of the module it is linked into, for a
 * thread the shim does not know (crace_cur NULL)? In a program's own copy
 * (tsan_fast.c), only once the module's constructors have started: before
 * that the dynamic loader may still be relocating it (it runs ifunc
 * resolvers, instrumented like the rest, as it goes), and a call through
 * the PLT would jump to an address not relocated yet. Such a call is let
 * through unchecked, as the shim would (it is not initialised then). The
 * shim's own copy can always call. */
#ifndef CRACE_FAST_CAN_CALL
#define CRACE_FAST_CAN_CALL true
#endif

/* What the fast path below does not settle, found out before the
 * granule: unknown thread, an ignored one, an access crossing a granule,
 * shadow not yet mapped. */
CRACE_EXPORT void crace_access_entry_slow(uintptr_t addr, size_t size, bool is_write, bool is_atomic, uintptr_t pc);

/* The rest: t found granule g, and no inline cell records cur, the access
 * of size bytes at addr (within g). Everything the fast path found is
 * passed on, so that the slow path starts where it stopped: every access
 * in a new epoch (each one after a lock, say) comes here. A thread that
 * ignores accesses or has a signal deferred (cur then holds
 * CRACE_WANT_NONE's epoch) starts over in crace_access_entry_slow. */
CRACE_EXPORT void crace_access_miss(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size, shadow_cell cur,
                                    uintptr_t pc);

/* The bytes of a granule an access of size (1, 2 or 4) at offset o in it
 * does not touch: CRACE_FILL[size][o], for o + size <= 8. A load instead
 * of a shift, a negation and a zero extension on the hot path. */
#define CRACE_FILL_ROW(size) \
    {(uint8_t)~(((1u << size) - 1) << 0), (uint8_t)~(((1u << size) - 1) << 1), \
     (uint8_t)~(((1u << size) - 1) << 2), (uint8_t)~(((1u << size) - 1) << 3), \
     (uint8_t)~(((1u << size) - 1) << 4), (uint8_t)~(((1u << size) - 1) << 5), \
     (uint8_t)~(((1u << size) - 1) << 6), (uint8_t)~(((1u << size) - 1) << 7)}
static const uint8_t CRACE_FILL[5][8] = {[1] = CRACE_FILL_ROW(1), [2] = CRACE_FILL_ROW(2), [4] = CRACE_FILL_ROW(4)};
#undef CRACE_FILL_ROW

/* The pc of an access the entry point's caller makes, for
 * crace_access_inline: its return address. Read where a slow path is
 * called, not at the entry: the covered case does not load it (an
 * instruction of about 25 there). Inlined (always_inline), the builtin
 * reads the return address of the entry point it is inlined into. */
#define CRACE_PC_CALLER ((uintptr_t)0)

/* Inlined into each entry point, so the access size is a constant there.
 * It touches the thread pointer and the inline shadow cells, and either returns
 * or tail-calls the slow path, so the compiler needs no stack frame. pc:
 * the access's, or CRACE_PC_CALLER. */
static inline __attribute__((always_inline)) void crace_access_inline(uintptr_t addr, size_t size, bool is_write,
                                                                      bool is_atomic, uintptr_t pc)
{
    /* t->ignore is not tested: a covered access records nothing whether
     * the thread ignores accesses or not, and crace_access_miss tests it.
     * A signal deferred while the thread was inside the detector sets
     * t->want to match no cell, so that the next access reaches the slow
     * path and runs the handler. */
    crace_thread *t = crace_cur;
#define CRACE_PC_LATE (pc != CRACE_PC_CALLER ? pc : (uintptr_t)__builtin_return_address(0))
    /* One compare for both "shadowed" (no bit at or above
     * SHADOW_ADDR_BITS) and "within one granule": off is addr's offset in
     * its granule when both hold, and more than 8 otherwise. A 16-byte
     * access spans two granules (size is a constant: the test is free). */
    uint64_t off = addr & (~((1ull << SHADOW_ADDR_BITS) - 1) | 7);
    if (CRACE_LIKELY(t != NULL && size <= 8 && off <= 8 - size)) {
        shadow_granule *r =
            atomic_load_explicit(&crace_shadow_dir[addr >> SHADOW_REGION_SHIFT], memory_order_relaxed);
        if (CRACE_LIKELY(r != NULL)) {
            shadow_granule *g = r + ((addr & (SHADOW_REGION_SIZE - 1)) / SHADOW_GRANULE);
            /* An aligned 8-byte access covers the whole granule: nothing
             * to fill. */
            uint64_t fill = size == 8 ? 0 : CRACE_FILL[size < 8 ? size : 0][off];
            shadow_cell want = sc_make(__atomic_load_n(&t->want, __ATOMIC_RELAXED), 0, is_write, is_atomic);
            _Atomic shadow_cell *own = (_Atomic shadow_cell *)((char *)g + t->own_cell);
            if (CRACE_LIKELY(sc_covers_fast(atomic_load_explicit(own, memory_order_relaxed), want, fill, is_write)))
                return;
            /* The own cell holds this thread's record of the same bytes
             * and kind from an earlier epoch: the slow path renews it in
             * place (crace_access_slow) without the other cells, which
             * are other threads' and would only be fetched from their
             * caches here (an atomic counter beside a variable all
             * threads read: the readers' loads took the counter's records
             * away from their owners: docs/performance.md). The cell is
             * found and loaded again, own_cell included, rather than
             * kept: kept, its address or value cost the covered case
             * above an instruction. */
            own = (_Atomic shadow_cell *)((char *)g + __atomic_load_n(&t->own_cell, __ATOMIC_RELAXED));
            if (((atomic_load_explicit(own, memory_order_relaxed) ^ want ^ fill) & SC_SAME_RECORD) != 0 &&
                (sc_covers_fast(atomic_load_explicit(sg_cell(g, 0), memory_order_relaxed), want, fill, is_write) ||
                 sc_covers_fast(atomic_load_explicit(sg_cell(g, 1), memory_order_relaxed), want, fill, is_write) ||
                 sc_covers_fast(atomic_load_explicit(sg_cell(g, 2), memory_order_relaxed), want, fill, is_write)))
                return;
            crace_access_miss(t, g, addr, size, want ^ fill, CRACE_PC_LATE);
            return;
        }
    }
    if (CRACE_LIKELY(t != NULL || CRACE_FAST_CAN_CALL))
        crace_access_entry_slow(addr, size, is_write, is_atomic, CRACE_PC_LATE);
#undef CRACE_PC_LATE
}

/* ---- function entry and exit, inlined into __tsan_func_entry/exit ---- */

/* What the two below do not settle: a thread not known yet, an event that
 * starts a history part (its snapshot), a shadow stack to grow. */
CRACE_EXPORT void crace_func_entry_slow(uintptr_t pc);
CRACE_EXPORT void crace_func_exit_slow(void);

/* Every call of an instrumented function runs both, so the common case
 * (a known thread, the event inside the current history part, room on
 * the shadow stack) needs no call and no register saved, and no store
 * but the event, the position and the stack's.
 *
 * A signal handler's events must not interleave with ours: a handler run
 * between the read of the history's position and the store of the next
 * one would have its events overwritten, and if they started a lap of
 * the ring, this event would land before the ring (the lap base moved).
 * Rather than raise in_shim around these few instructions at every call,
 * both functions live in the section crace_hist_text, whose bounds each
 * module gives the shim (CRACE_FAST_START): a signal whose interrupted
 * pc lies there waits, as one inside the shim does (intercept_signal.c).
 * The event goes first: a part snapshot taken by it must show the stack
 * as it was before the event, which the replay then applies. */
#define CRACE_HIST_TEXT_FN __attribute__((section("crace_hist_text"), noinline))

/* The bounds of this module's crace_hist_text, from the linker; weak: a
 * program without the section (the engine's unit tests) sees an empty
 * one at 0. */
extern const char __start_crace_hist_text[] __attribute__((weak, visibility("hidden")));
extern const char __stop_crace_hist_text[] __attribute__((weak, visibility("hidden")));

/* Called by each module with the fast path when it starts (tsan_fast.c)
 * with the bounds of its crace_hist_text: code a signal handler must not
 * interrupt. Named after CRACE_FAST_ABI too: a program built by another
 * version of crace whose stub is still there (two installations, a
 * cached build) gets the old ABI symbol from that stub, past the loader,
 * but its modules call an older name, which the shim defines only to stop
 * the program with what to do (module.c, CRACE_FAST_OLD_STARTS). */
#define CRACE_FAST_START crace_fast_start_9
CRACE_EXPORT void CRACE_FAST_START(uintptr_t lo, uintptr_t hi);
/* The names earlier versions called (a bump adds the one it replaces). */
#define CRACE_FAST_OLD_STARTS(X) X(crace_hist_text_add)

static inline __attribute__((always_inline)) void crace_func_entry_inline(uintptr_t pc)
{
    crace_thread *t = crace_cur;
    if (CRACE_LIKELY(t != NULL)) {
        /* depth and shstack read once, before the event's store (which
         * the compiler cannot tell apart from them). An event written
         * here leaves room to push (thread.h, shcap). */
        uintptr_t depth = t->depth;
        uintptr_t *shstack = t->shstack;
        if (CRACE_LIKELY(crace_hist_put_inside(t, ((uint64_t)pc << 3) | EV_FUNC_ENTRY))) {
            shstack[depth] = pc;
            t->depth++;
            return;
        }
    }
    if (CRACE_LIKELY(t != NULL || CRACE_FAST_CAN_CALL))
        crace_func_entry_slow(pc);
}

/* A longjmp out of instrumented frames skips their exits; an exit
 * without entry (a function entered before the thread was known) is
 * ignored rather than underflowing. */
static inline __attribute__((always_inline)) void crace_func_exit_inline(void)
{
    crace_thread *t = crace_cur;
    if (CRACE_LIKELY(t != NULL && crace_hist_put_inside(t, EV_FUNC_EXIT))) {
#if defined(__x86_64__)
        /* depth - 1, unless it was 0: a subtraction in memory and a branch
         * on its borrow, never taken but after an exit without entry (the
         * compilers' own forms take four instructions, or three and a
         * branch). The memory clobber tells the compiler depth changed. */
        __asm__ goto("subl $1, %0\n\tjb %l[underflow]" : : "m"(t->depth) : "cc", "memory" : underflow);
        return;
    underflow:
        t->depth = 0;
#else
        uint32_t depth = t->depth;
        t->depth = depth - (depth != 0);
#endif
        return;
    }
    if (CRACE_LIKELY(t != NULL || CRACE_FAST_CAN_CALL))
        crace_func_exit_slow();
}

#endif /* CRACE_ACCESS_H */
