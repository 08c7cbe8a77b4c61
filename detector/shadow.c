/* shadow.c: the shadow table and its overflow blocks (see shadow.h). */
#include "shadow.h"

#include <string.h>
#include <sys/mman.h>

CRACE_EXPORT _Atomic(shadow_granule *) crace_shadow_dir[SHADOW_REGIONS];

/* Below this many bytes of shadow a reset clears cells one by one (and
 * recycles overflow blocks); above it whole pages are given back to the
 * kernel, cheaper for a thread stack of megabytes. */
#define SHADOW_RESET_MADVISE (64u * 1024u)
#define SHADOW_OVF_CHUNK (1u << 20)

void shadow_init(void)
{
}

shadow_granule *shadow_region_create(uintptr_t addr)
{
    size_t bytes = SHADOW_INLINE * SHADOW_REGION_GRANULES * sizeof(shadow_cell);
    shadow_granule *r = crace_mmap(bytes);
    shadow_granule *expected = NULL;
    if (!atomic_compare_exchange_strong(&crace_shadow_dir[addr >> SHADOW_REGION_SHIFT], &expected, r)) {
        /* Another thread installed it first. */
        crace_munmap(r, bytes);
        r = expected;
    }
    return r;
}

/* Per-thread pool of overflow blocks: a free list plus a bump chunk. No
 * lock: a block released by one thread is reused by that thread. */
static CRACE_TLS shadow_ovf *ovf_free;
static CRACE_TLS char *ovf_bump, *ovf_end;

shadow_ovf *shadow_ovf_alloc(void)
{
    shadow_ovf *o = ovf_free;
    if (o) {
        ovf_free = atomic_load_explicit(&o->next, memory_order_relaxed);
    } else {
        if (ovf_bump == NULL || ovf_bump + sizeof(*o) > ovf_end) {
            ovf_bump = crace_mmap(SHADOW_OVF_CHUNK);
            ovf_end = ovf_bump + SHADOW_OVF_CHUNK;
        }
        o = (shadow_ovf *)ovf_bump;
        ovf_bump += sizeof(*o);
    }
    gc_zero(o, sizeof(*o));
    return o;
}

void shadow_ovf_release(shadow_ovf *o)
{
    while (o) {
        shadow_ovf *next = atomic_load_explicit(&o->next, memory_order_relaxed);
        atomic_store_explicit(&o->next, ovf_free, memory_order_relaxed);
        ovf_free = o;
        o = next;
    }
}

/* Sets one cell to v. Only the last inline cell ever holds an overflow
 * pointer: one found there is taken with an exchange and its blocks go
 * back to the pool. Anything else is overwritten with a plain store (no
 * locked instruction per granule of every block allocated): a record
 * another thread stores meanwhile is forgotten with the rest, and an
 * overflow pointer installed meanwhile, its block with it (a race on
 * memory being handed out, rare, bounded by the racing accesses). */
static inline void set_cell(_Atomic shadow_cell *p, shadow_cell v, bool last)
{
    shadow_cell old = atomic_load_explicit(p, memory_order_relaxed);
    /* Equal: reading an untouched shadow page maps the shared zero page;
     * writing a zero to it would cost a page of memory. */
    if (old == v)
        return;
    if (last && sc_is_ovf(old)) {
        old = atomic_exchange_explicit(p, v, memory_order_relaxed);
        if (sc_is_ovf(old))
            shadow_ovf_release(sc_to_ovf(old));
        return;
    }
    atomic_store_explicit(p, v, memory_order_relaxed);
}

/* n cells of plane k. */
static void clear_cells(_Atomic shadow_cell *cells, size_t n, int k)
{
    for (size_t i = 0; i < n; i++)
        set_cell(&cells[i], 0, k == SHADOW_OVF_SLOT);
}

void shadow_reset(uintptr_t addr, size_t size)
{
    uintptr_t end = addr + size;
    if (end > (1ull << SHADOW_ADDR_BITS))
        end = 1ull << SHADOW_ADDR_BITS;
    addr &= ~(uintptr_t)(SHADOW_GRANULE - 1);
    while (addr < end) {
        uintptr_t region_end = (addr | (SHADOW_REGION_SIZE - 1)) + 1;
        uintptr_t stop = end < region_end ? end : region_end;
        shadow_granule *r = atomic_load_explicit(&crace_shadow_dir[addr >> SHADOW_REGION_SHIFT], memory_order_acquire);
        size_t n = (stop - addr + SHADOW_GRANULE - 1) / SHADOW_GRANULE;
        for (int k = 0; r && k < SHADOW_INLINE; k++) {
            _Atomic shadow_cell *cells = sg_cell(r + ((addr & (SHADOW_REGION_SIZE - 1)) / SHADOW_GRANULE), k);
            if (n * sizeof(shadow_cell) < SHADOW_RESET_MADVISE) {
                clear_cells(cells, n, k);
                continue;
            }
            /* Whole pages back to the kernel (they read as zero again);
             * the partial pages at both ends are cleared by hand.
             * Overflow blocks of those pages are abandoned, not
             * recycled: rare, and bounded by the data they described. */
            uintptr_t lo = ((uintptr_t)cells + 4095) & ~(uintptr_t)4095;
            uintptr_t hi = ((uintptr_t)(cells + n)) & ~(uintptr_t)4095;
            clear_cells(cells, (lo - (uintptr_t)cells) / sizeof(shadow_cell), k);
            if (hi > lo)
                madvise((void *)lo, hi - lo, MADV_DONTNEED);
            clear_cells((_Atomic shadow_cell *)hi, ((uintptr_t)(cells + n) - hi) / sizeof(shadow_cell), k);
        }
        addr = stop;
    }
}

/* Granule i of the planes: c in the own plane, empty in the others. */
static inline void write_granule(_Atomic shadow_cell *const planes[SHADOW_INLINE], size_t i, shadow_cell c, int own)
{
#pragma GCC unroll 3
    for (int k = 0; k < SHADOW_INLINE; k++)
        set_cell(&planes[k][i], k == own ? c : 0, k == SHADOW_OVF_SLOT);
}

void shadow_write_range(uintptr_t addr, size_t size, shadow_cell cell, uint32_t own_cell)
{
    uintptr_t end = addr + size;
    if (end > (1ull << SHADOW_ADDR_BITS))
        end = 1ull << SHADOW_ADDR_BITS;
    int own = (int)(own_cell / SHADOW_PLANE_BYTES);
    shadow_cell epoch = cell & ~(shadow_cell)0xff;
    while (addr < end) {
        /* A region at a time: its granules' cells lie in order. A
         * partial granule, whole ones, a partial one. */
        uintptr_t region_end = (addr | (SHADOW_REGION_SIZE - 1)) + 1;
        uintptr_t stop = end < region_end ? end : region_end;
        shadow_granule *g = shadow_get(addr);
        _Atomic shadow_cell *planes[SHADOW_INLINE];
        for (int k = 0; k < SHADOW_INLINE; k++)
            planes[k] = sg_cell(g, k);
        size_t i = 0;
        unsigned off = addr & 7;
        if (off) {
            size_t n = stop - addr < SHADOW_GRANULE - off ? stop - addr : SHADOW_GRANULE - off;
            write_granule(planes, i++, epoch | (((1u << n) - 1) << off), own);
            addr += n;
        }
        size_t full = (stop - addr) / SHADOW_GRANULE;
        for (size_t f = 0; f < full; f++)
            write_granule(planes, i++, cell, own);
        addr += full * SHADOW_GRANULE;
        if (addr < stop) {
            write_granule(planes, i, epoch | ((1u << (stop - addr)) - 1), own);
            addr = stop;
        }
    }
}
