/*
 * shadow.h: shadow memory, the record of past accesses to every 8-byte
 * granule of application memory.
 *
 * Each granule has three inline cells. A cell records one access class:
 * the epoch (slot, clock) of the last access of one thread, which bytes of
 * the granule it touched (mask), and whether it was a write and atomic.
 * Cell value 0 is empty; a cell with mask 0 and a non-zero value is a
 * pointer to an overflow block holding further cells (only the last inline
 * cell, SHADOW_OVF_SLOT, ever holds one). Three inline cells hold the
 * common read-shared pattern (one write, then reads by two threads)
 * without an overflow block. Nothing is ever evicted: a cell
 * is dropped only when a later access that happens after it covers it
 * (same or more bytes, and a write, or both reads), which keeps every
 * access that can still race (FastTrack's rule, byte-precise).
 *
 * The table is found by arithmetic: a first level indexed by addr >>
 * SHADOW_REGION_SHIFT, lazily filled with regions mapped MAP_NORESERVE, so
 * untouched memory costs nothing. Lookups take no lock; a region is
 * installed with one CAS and never removed.
 */
#ifndef CRACE_SHADOW_H
#define CRACE_SHADOW_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt.h"

typedef uint64_t shadow_cell;

/* Cell layout: | clock:37 | recheck:1 | slot:16 | atomic:1 | write:1 | mask:8 |
 *
 * recheck is set on an atomic record or a plain read, by another thread
 * that stored after it a record it may race with (for an atomic record:
 * a plain access of the same bytes, one of the two a write; for a read: a
 * write of its bytes), and by a read on itself when another thread's
 * atomic write is beside it: the owner's next access of those bytes and
 * kind must look at the whole granule, where a record without it lets
 * that access replace it without reading the other cells (access.c,
 * replace_in_place). It is no part of the epoch: a marked record covers
 * no access. */
#define SC_MASK_BITS 8
#define SC_WRITE_BIT (1ull << 8)
#define SC_ATOMIC_BIT (1ull << 9)
#define SC_SLOT_SHIFT 10
#define SC_SLOT_BITS 16
#define SC_RECHECK_BIT (1ull << 26)
#define SC_CLOCK_SHIFT 27
#define SC_MAX_SLOTS (1u << SC_SLOT_BITS)
#define SC_MAX_CLOCK ((1ull << (64 - SC_CLOCK_SHIFT)) - 1)

/* The bits two records of one thread's accesses to the same bytes, of
 * the same kind, have in common: all but the clock and the recheck mark. */
#define SC_SAME_RECORD (((uint64_t)(SC_MAX_SLOTS - 1) << SC_SLOT_SHIFT) | SC_ATOMIC_BIT | SC_WRITE_BIT | 0xff)

static inline unsigned sc_mask(shadow_cell c) { return (unsigned)(c & 0xff); }
static inline bool sc_is_write(shadow_cell c) { return (c & SC_WRITE_BIT) != 0; }
static inline bool sc_is_atomic(shadow_cell c) { return (c & SC_ATOMIC_BIT) != 0; }
static inline uint32_t sc_slot(shadow_cell c) { return (uint32_t)(c >> SC_SLOT_SHIFT) & (SC_MAX_SLOTS - 1); }
static inline uint64_t sc_clock(shadow_cell c) { return c >> SC_CLOCK_SHIFT; }
static inline bool sc_is_ovf(shadow_cell c) { return c != 0 && sc_mask(c) == 0; }

/* The epoch part of a cell: (clock << SC_CLOCK_SHIFT) | (slot << SC_SLOT_SHIFT). */
static inline uint64_t sc_epoch(uint32_t slot, uint64_t clock)
{
    return (clock << SC_CLOCK_SHIFT) | ((uint64_t)slot << SC_SLOT_SHIFT);
}

static inline shadow_cell sc_make(uint64_t epoch, unsigned mask, bool write, bool atomic)
{
    return epoch | mask | (write ? SC_WRITE_BIT : 0) | (atomic ? SC_ATOMIC_BIT : 0);
}

/* The slot no thread is given (thread.c reserves it). A cell with it is
 * not an access record: it is one of the marks of freed memory below, or
 * (in a thread's want, never in a cell) CRACE_WANT_NONE. */
#define SC_RESERVED_SLOT (SC_MAX_SLOTS - 1)

/*
 * Freed memory. The first SHADOW_FREED_MAX bytes of a heap block the
 * program frees hold, in each granule, two marks instead of access
 * records: in cell 0 the free's clock, in cell 1 the freeing thread's
 * slot plus 1, both in the reserved slot (cell 2 empty). No access is
 * covered by them (no thread's epoch has the reserved slot, and
 * CRACE_WANT_NONE's clock 0 is no clock: clocks start at 1), so every
 * access to the granule reaches the slow path, which finds the marks
 * before it reads any cell as a record: a use of the block after the
 * free, whether ordered after it (a heap use after free) or not (a race
 * with the free). The marks stay until the memory is handed out again
 * (heap_alloc) or forgotten (shadow_reset, shadow_unmark_freed). The
 * rest of a bigger block keeps the free's write record (as
 * ThreadSanitizer, which marks the first kilobyte).
 */
#define SHADOW_FREED_MAX 4095u /* one history event (HIST_MAX_ACCESS_SIZE) */

static inline shadow_cell sc_freed_when(uint64_t clock)
{
    return sc_make(sc_epoch(SC_RESERVED_SLOT, clock), 0xff, true, false);
}

static inline shadow_cell sc_freed_by(uint32_t slot)
{
    return sc_make(sc_epoch(SC_RESERVED_SLOT, (uint64_t)slot + 1), 0xff, true, true);
}

/* Is c, a granule's cell 0, the mark of freed memory? (Only cell 0 is
 * tested: an overflow pointer, possible in the last cell, may have any
 * bits where the slot lies.) */
static inline bool sc_is_freed(shadow_cell c) { return sc_slot(c) == SC_RESERVED_SLOT; }

/* The free's write record (its slot and clock, the whole granule) from a
 * granule's cells 0 and 1; 0 when they are not a pair of freed marks (a
 * free or an allocation writing them at this moment). */
static inline shadow_cell sc_freed_record(shadow_cell when, shadow_cell by)
{
    const uint64_t kind = 0xff | SC_WRITE_BIT | SC_ATOMIC_BIT;
    if (!sc_is_freed(when) || (when & kind) != (0xff | SC_WRITE_BIT) || !sc_is_freed(by) ||
        (by & kind) != kind || sc_clock(by) == 0 || sc_clock(by) > SC_RESERVED_SLOT)
        return 0;
    return sc_make(sc_epoch((uint32_t)sc_clock(by) - 1, sc_clock(when)), 0xff, true, false);
}

#define SHADOW_GRANULE 8u
#define SHADOW_INLINE 3
#define SHADOW_OVF_SLOT (SHADOW_INLINE - 1)

/* A granule, named by its first cell. A region keeps its cells in
 * SHADOW_INLINE planes, one after the other: plane i holds cell i of every
 * granule, in address order (sg_cell). The fast path reads cell 0 of
 * nearly every access, so cell 0 of neighbouring granules shares a cache
 * line (8 granules, 64 bytes of program memory, per line instead of 2.7
 * when a granule's cells were together), and the pages of planes 1 and 2
 * are touched only where several threads' accesses are live at once. */
typedef struct shadow_granule {
    _Atomic shadow_cell cell0;
} shadow_granule;

/* Cell i of g (i < SHADOW_INLINE). */
static inline _Atomic shadow_cell *sg_cell(shadow_granule *g, int i);

/* An overflow block: more cells of one granule, chained. Blocks are owned
 * by their granule until its shadow is reset. */
#define SHADOW_OVF_CELLS 7
typedef struct shadow_ovf {
    _Atomic shadow_cell cell[SHADOW_OVF_CELLS];
    _Atomic(struct shadow_ovf *) next;
} shadow_ovf;

/* An overflow pointer as a cell: shifted left past the mask byte, so its
 * mask reads 0 whatever the block's alignment. */
static inline shadow_cell sc_from_ovf(const shadow_ovf *o) { return (shadow_cell)(uintptr_t)o << 8; }
static inline shadow_ovf *sc_to_ovf(shadow_cell c) { return (shadow_ovf *)(uintptr_t)(c >> 8); }

/* Application addresses below 2^47 (x86-64 and aarch64 user space) are
 * shadowed; others are ignored. */
#define SHADOW_ADDR_BITS 47
#define SHADOW_REGION_SHIFT 22 /* 4 MiB of application memory per region */
#define SHADOW_REGION_SIZE (1ull << SHADOW_REGION_SHIFT)
#define SHADOW_REGIONS (1ull << (SHADOW_ADDR_BITS - SHADOW_REGION_SHIFT))
#define SHADOW_REGION_GRANULES (SHADOW_REGION_SIZE / SHADOW_GRANULE)

#define SHADOW_PLANE_BYTES (SHADOW_REGION_GRANULES * sizeof(shadow_cell))

static inline _Atomic shadow_cell *sg_cell(shadow_granule *g, int i)
{
    return &g->cell0 + (size_t)i * SHADOW_REGION_GRANULES;
}

/* The first level: a static array (untouched pages cost nothing), so the
 * hot path reaches an entry with one load and no pointer to chase. An
 * entry points to plane 0 of its region. Exported: the access fast path
 * linked into instrumented programs reads it (access.h, CRACE_FAST_ABI). */
#ifndef CRACE_SHADOW_DIR_WEAK
#define CRACE_SHADOW_DIR_WEAK
#endif
extern CRACE_EXPORT CRACE_SHADOW_DIR_WEAK _Atomic(shadow_granule *) crace_shadow_dir[SHADOW_REGIONS];

shadow_granule *shadow_region_create(uintptr_t addr);

/* The granule holding addr, or NULL when addr is not shadowed. */
static inline shadow_granule *shadow_get(uintptr_t addr)
{
    if (CRACE_UNLIKELY(addr >> SHADOW_ADDR_BITS))
        return NULL;
    shadow_granule *r = atomic_load_explicit(&crace_shadow_dir[addr >> SHADOW_REGION_SHIFT], memory_order_acquire);
    if (CRACE_UNLIKELY(!r))
        r = shadow_region_create(addr);
    return r + ((addr & (SHADOW_REGION_SIZE - 1)) / SHADOW_GRANULE);
}

/* The part of [addr, end) from the first shadow region already mapped
 * (memory some access was recorded in): its start, and in *stop the end
 * of that region or end; addr == end when none is. */
static inline uintptr_t shadow_next_mapped(uintptr_t addr, uintptr_t end, uintptr_t *stop)
{
    while (addr < end && !(addr >> SHADOW_ADDR_BITS) &&
           !atomic_load_explicit(&crace_shadow_dir[addr >> SHADOW_REGION_SHIFT], memory_order_relaxed))
        addr = (addr | (SHADOW_REGION_SIZE - 1)) + 1;
    if (addr >= end || (addr >> SHADOW_ADDR_BITS))
        return *stop = end;
    uintptr_t region_end = (addr | (SHADOW_REGION_SIZE - 1)) + 1;
    *stop = region_end < end ? region_end : end;
    return addr;
}

/* Where in [addr, end) the first stretch of granules holding records
 * begins, or end (at once when addr >= end), and in *run_end where it
 * ends (within one region):
 * memory never accessed since its shadow was last reset is passed over,
 * unmapped regions whole. Granules are looked at 64 at a time, so the
 * stretch may begin or end up to 63 granules away from a record. */
uintptr_t shadow_next_recorded(uintptr_t addr, uintptr_t end, uintptr_t *run_end);

void shadow_init(void);

/* Forgets every access to [addr, addr + size) (fresh memory: a new heap
 * block, a new thread's stack). Overflow blocks go back to the pool. */
void shadow_reset(uintptr_t addr, size_t size);

/* Forgets every access to [addr, addr + size) but one: cell, a write
 * covering all of it, stored in the cell at own_cell (crace_own_cell) of
 * each granule, its mask narrowed to the range's bytes there (a new heap
 * block its allocating thread counts as written, heap.h). For small
 * ranges: granule by granule, no page given back. */
void shadow_write_range(uintptr_t addr, size_t size, shadow_cell cell, uint32_t own_cell);

/* Marks the granules of [addr, addr + size) freed by slot at clock
 * (sc_freed_when, sc_freed_by; a partial last granule whole). */
void shadow_mark_freed(uintptr_t addr, size_t size, uint32_t slot, uint64_t clock);

/* The same for the granules from addr (granule-aligned) on, in one pass
 * that stops at the first granule whose cell at own_cell (crace_own_cell)
 * is not want, the freeing thread's write of its current epoch over the
 * whole granule (as far as the range goes), as sc_covers_fast tests: a
 * free of a block its own thread allocated and filled since its last
 * release, whose check against the shadow finds nothing to look at
 * (crace_access_range_check would skip those granules). Returns the bytes
 * marked (whole granules, or all of size), 0 for an unaligned addr. */
size_t shadow_mark_freed_covered(uintptr_t addr, size_t size, uint32_t slot, uint64_t clock, uint32_t own_cell,
                                 shadow_cell want);

/* Drops the freed marks in [addr, addr + size), leaving every access
 * record; with keep_free, each granule keeps the free's write record
 * instead (a later use that the free does not happen before still races
 * with it). For memory handed out without heap_alloc setting its shadow:
 * the slack malloc_usable_size reveals (a part of a live block: nothing
 * kept), a block a finished thread allocates (its TLS destructors run
 * inside the shim, which passes their allocations through: keep_free).
 * Maps no shadow. */
void shadow_unmark_freed(uintptr_t addr, size_t size, bool keep_free);

/* Overflow blocks come from a per-thread pool refilled from big mappings. */
shadow_ovf *shadow_ovf_alloc(void);
void shadow_ovf_release(shadow_ovf *o);

#endif /* CRACE_SHADOW_H */
