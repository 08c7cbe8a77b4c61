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

/* The same for a range of any length (memcpy, read_range, free). */
void crace_access_range(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc);

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
        if (sc_covers_same_epoch(atomic_load_explicit(&g->cell[i], memory_order_relaxed), cur))
            return;
    crace_access_slow(t, g, addr, size, cur, pc, true);
}

/* Everything the fast path below does not settle: unknown thread, an
 * ignored one, an access crossing a granule, shadow not yet mapped, or a
 * granule without a cell recording this access. */
void crace_access_entry_slow(uintptr_t addr, size_t size, bool is_write, bool is_atomic, uintptr_t pc);

/* Inlined into each entry point, so the access size is a constant there.
 * It touches the thread pointer and the inline shadow cells, and either returns
 * or tail-calls the slow path, so the compiler needs no stack frame. */
static inline __attribute__((always_inline)) void crace_access_inline(uintptr_t addr, size_t size, bool is_write,
                                                                      bool is_atomic, uintptr_t pc)
{
    crace_thread *t = crace_cur;
    if (CRACE_LIKELY(t != NULL && !t->ignore && (addr & 7) + size <= 8 && !(addr >> SHADOW_ADDR_BITS))) {
        shadow_granule *r =
            atomic_load_explicit(&shadow_dir[addr >> SHADOW_REGION_SHIFT], memory_order_relaxed);
        if (CRACE_LIKELY(r != NULL)) {
            shadow_granule *g = r + ((addr & (SHADOW_REGION_SIZE - 1)) / SHADOW_GRANULE);
            unsigned mask = ((1u << size) - 1) << (addr & 7);
            shadow_cell cur = sc_make(t->epoch, mask, is_write, is_atomic);
            if (CRACE_LIKELY(sc_covers_same_epoch(atomic_load_explicit(&g->cell[0], memory_order_relaxed), cur)) ||
                sc_covers_same_epoch(atomic_load_explicit(&g->cell[1], memory_order_relaxed), cur) ||
                sc_covers_same_epoch(atomic_load_explicit(&g->cell[2], memory_order_relaxed), cur))
                return;
        }
    }
    crace_access_entry_slow(addr, size, is_write, is_atomic, pc);
}

#endif /* CRACE_ACCESS_H */
