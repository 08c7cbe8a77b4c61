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

/* n cells of one plane. */
static void clear_cells(_Atomic shadow_cell *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        /* Reading an untouched shadow page maps the shared zero page;
         * writing a zero to it would cost a page of memory. */
        if (atomic_load_explicit(&cells[i], memory_order_relaxed) == 0)
            continue;
        shadow_cell c = atomic_exchange_explicit(&cells[i], 0, memory_order_relaxed);
        if (sc_is_ovf(c))
            shadow_ovf_release(sc_to_ovf(c));
    }
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
                clear_cells(cells, n);
                continue;
            }
            /* Whole pages back to the kernel (they read as zero again);
             * the partial pages at both ends are cleared by hand.
             * Overflow blocks of those pages are abandoned, not
             * recycled: rare, and bounded by the data they described. */
            uintptr_t lo = ((uintptr_t)cells + 4095) & ~(uintptr_t)4095;
            uintptr_t hi = ((uintptr_t)(cells + n)) & ~(uintptr_t)4095;
            clear_cells(cells, (lo - (uintptr_t)cells) / sizeof(shadow_cell));
            if (hi > lo)
                madvise((void *)lo, hi - lo, MADV_DONTNEED);
            clear_cells((_Atomic shadow_cell *)hi, ((uintptr_t)(cells + n) - hi) / sizeof(shadow_cell));
        }
        addr = stop;
    }
}
