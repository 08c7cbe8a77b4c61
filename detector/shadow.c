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
static CRACE_TLS struct crace_bump ovf_chunks;

shadow_ovf *shadow_ovf_alloc(void)
{
    shadow_ovf *o = ovf_free;
    if (o) {
        ovf_free = atomic_load_explicit(&o->next, memory_order_relaxed);
    } else {
        o = crace_bump_take(&ovf_chunks, sizeof(*o), SHADOW_OVF_CHUNK);
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

/*
 * Whole runs of cells of one plane (a block allocated or freed, a
 * reset), read and written two at a time with plain vector loads and
 * stores, instead of a relaxed atomic access per cell, which compilers
 * never combine: a malloc-free loop of blocks of 16-256 bytes spent a
 * third of its time cell by cell. The hardware keeps each aligned 8-byte
 * cell whole; what set_cell says of other threads' stores meanwhile
 * holds. The engine built under ThreadSanitizer (make san-test) keeps the
 * atomic accesses, which it would otherwise report against the readers.
 */
#if defined(__SANITIZE_THREAD__)
#define PLAIN_CELLS 0
#else
#define PLAIN_CELLS 1
/* Two cells: one SSE2 or NEON register (a wider generic vector is split
 * through the stack by gcc). */
typedef shadow_cell cells2 __attribute__((vector_size(2 * sizeof(shadow_cell)), aligned(sizeof(shadow_cell)),
                                          may_alias));
#endif

/* n cells that hold no overflow pointer set to v. */
static void fill_cells(_Atomic shadow_cell *cells, size_t n, shadow_cell v)
{
#if PLAIN_CELLS
    /* v hidden from the optimiser: a loop storing zeros would become a
     * call of memset, which is the shim's own interceptor. */
    __asm__("" : "+r"(v));
    shadow_cell *p = (shadow_cell *)(void *)cells;
    const cells2 two = {v, v};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        *(cells2 *)(p + i) = two;
        *(cells2 *)(p + i + 2) = two;
    }
    for (; i < n; i++)
        p[i] = v;
#else
    for (size_t i = 0; i < n; i++)
        atomic_store_explicit(&cells[i], v, memory_order_relaxed);
#endif
}

/* Does any of n cells hold something? */
static bool any_cells(const _Atomic shadow_cell *cells, size_t n)
{
    shadow_cell a = 0;
    size_t i = 0;
#if PLAIN_CELLS
    const shadow_cell *p = (const shadow_cell *)(const void *)cells;
    cells2 a2 = {0, 0}, b2 = {0, 0};
    for (; i + 4 <= n; i += 4) {
        a2 |= *(const cells2 *)(p + i);
        b2 |= *(const cells2 *)(p + i + 2);
    }
    a2 |= b2;
    a = a2[0] | a2[1];
#endif
    for (; i < n; i++)
        a |= atomic_load_explicit(&cells[i], memory_order_relaxed);
    return a != 0;
}

/* Is one of n cells of the last plane an overflow pointer? Its mask byte
 * is 0 and the cell is not (shadow.h): bit 63 of (mask - 1) & (c | -c) is
 * set for it alone, a test made two cells at a time. */
static bool ovf_cells(const _Atomic shadow_cell *cells, size_t n)
{
    shadow_cell o = 0;
    size_t i = 0;
#if PLAIN_CELLS
    const shadow_cell *p = (const shadow_cell *)(const void *)cells;
    cells2 o2 = {0, 0};
    for (; i + 2 <= n; i += 2) {
        cells2 x = *(const cells2 *)(p + i);
        o2 |= ((x & 0xff) - 1) & (x | -x);
    }
    o = o2[0] | o2[1];
#endif
    for (; i < n; i++) {
        shadow_cell x = atomic_load_explicit(&cells[i], memory_order_relaxed);
        o |= ((x & 0xff) - 1) & (x | -x);
    }
    return (o >> 63) != 0;
}

/* n cells of plane k set to v: filled, unless the last plane holds an
 * overflow pointer among them (its blocks go back to the pool, set_cell).
 * A run already empty is not written when v is 0: an untouched shadow
 * page is not given a page of its own. */
static void set_cells(_Atomic shadow_cell *cells, size_t n, shadow_cell v, int k)
{
    if (v == 0 && !any_cells(cells, n))
        return;
    if (k != SHADOW_OVF_SLOT || !ovf_cells(cells, n)) {
        fill_cells(cells, n, v);
        return;
    }
    for (size_t i = 0; i < n; i++)
        set_cell(&cells[i], v, true);
}

/* n cells of plane k cleared. */
static void clear_cells(_Atomic shadow_cell *cells, size_t n, int k)
{
    set_cells(cells, n, 0, k);
}

/* The run of [addr, end) (addr granule-aligned, end clipped to shadowed
 * memory) that lies in addr's region, whose granules' cells are in order:
 * *g its first granule (NULL when the region is not mapped and map is
 * false), *n its granules. Returns where the next run starts. */
static inline uintptr_t region_run(uintptr_t addr, uintptr_t end, bool map, shadow_granule **g, size_t *n)
{
    uintptr_t region_end = (addr | (SHADOW_REGION_SIZE - 1)) + 1;
    uintptr_t stop = end < region_end ? end : region_end;
    if (map) {
        *g = shadow_get(addr);
    } else {
        shadow_granule *r = atomic_load_explicit(&crace_shadow_dir[addr >> SHADOW_REGION_SHIFT], memory_order_acquire);
        *g = r ? r + ((addr & (SHADOW_REGION_SIZE - 1)) / SHADOW_GRANULE) : NULL;
    }
    *n = (stop - addr + SHADOW_GRANULE - 1) / SHADOW_GRANULE;
    return stop;
}

/* The end of [addr, addr + size) within shadowed memory. */
static inline uintptr_t shadowed_end(uintptr_t addr, size_t size)
{
    uintptr_t end = addr + size;
    return end > (1ull << SHADOW_ADDR_BITS) ? 1ull << SHADOW_ADDR_BITS : end;
}

/* Pages of one plane of a region's cells. */
#define PLANE_PAGES (SHADOW_PLANE_BYTES / 4096)

uintptr_t shadow_next_recorded(uintptr_t addr, uintptr_t end, uintptr_t *run_end)
{
    enum { RUN = 64 }; /* granules looked at together: 512 bytes of a plane */
    uintptr_t stop;
    /* Nothing left: aligned down, an end inside a granule would find that
     * granule again, and a caller going on from each run_end never stop. */
    if (addr >= end)
        return *run_end = end;
    for (addr &= ~(uintptr_t)(SHADOW_GRANULE - 1); (addr = shadow_next_mapped(addr, end, &stop)) < end;
         addr = stop) {
        shadow_granule *g = shadow_get(addr);
        size_t n = (stop - addr + SHADOW_GRANULE - 1) / SHADOW_GRANULE;
        /* Which pages of each plane hold anything at all: one never
         * written since it was mapped or last reset is not resident, and
         * reading it would only fault a page of zeros in (a free of a big
         * block mostly never touched read megabytes of them). A page the
         * kernel swapped out looks the same: its records are passed over
         * (a race with this free missed, never one made up). */
        unsigned char resident[SHADOW_INLINE][PLANE_PAGES];
        uintptr_t base[SHADOW_INLINE];
        for (int p = 0; p < SHADOW_INLINE; p++) {
            uintptr_t lo = (uintptr_t)sg_cell(g, p), hi = (uintptr_t)(sg_cell(g, p) + n);
            base[p] = lo & ~(uintptr_t)4095;
            size_t len = ((hi + 4095) & ~(uintptr_t)4095) - base[p];
            if (mincore((void *)base[p], len, resident[p]) != 0)
                memset(resident[p], 1, len / 4096); /* unknown: look at every cell */
        }
        size_t first = n;
        for (size_t i = 0; i < n; i += RUN) {
            size_t k = n - i < RUN ? n - i : RUN;
            bool held = false;
            for (int p = 0; p < SHADOW_INLINE && !held; p++) {
                _Atomic shadow_cell *c = sg_cell(g + i, p);
                /* The run's first and last cells: it may straddle two pages. */
                held = ((resident[p][((uintptr_t)c - base[p]) / 4096] |
                         resident[p][((uintptr_t)(c + k - 1) - base[p]) / 4096]) & 1) &&
                       any_cells(c, k);
            }
            if (held && first == n) {
                first = i;
            } else if (!held && first != n) {
                *run_end = addr + i * SHADOW_GRANULE;
                return addr + first * SHADOW_GRANULE;
            }
        }
        if (first != n) {
            *run_end = stop;
            return addr + first * SHADOW_GRANULE;
        }
    }
    return *run_end = end;
}

void shadow_reset(uintptr_t addr, size_t size)
{
    uintptr_t end = shadowed_end(addr, size);
    shadow_granule *g;
    size_t n;
    for (addr &= ~(uintptr_t)(SHADOW_GRANULE - 1); addr < end;) {
        addr = region_run(addr, end, false, &g, &n);
        for (int k = 0; g && k < SHADOW_INLINE; k++) {
            _Atomic shadow_cell *cells = sg_cell(g, k);
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
    }
}

/*
 * Runs of up to SMALL_RUN granules (the blocks of a program that
 * allocates and frees small objects) are set granule by granule, a
 * granule's three cells together: a pass per plane, each with its
 * vector loop's set-up, cost 16 % more instructions on blocks of 16-255
 * bytes. set_cell leaves a cell that is already right alone, so
 * untouched shadow pages stay untouched here too.
 */
#define SMALL_RUN 64

/* n granules from g: plane own set to v, the others cleared. own is a
 * constant in each copy (write_small_run): the loop has no test of it. */
static inline __attribute__((always_inline)) void write_small_planes(shadow_granule *g, size_t n, shadow_cell v,
                                                                     const int own)
{
    _Atomic shadow_cell *c0 = sg_cell(g, 0), *c1 = sg_cell(g, 1), *c2 = sg_cell(g, 2);
    for (size_t i = 0; i < n; i++) {
        set_cell(&c0[i], own == 0 ? v : 0, false);
        set_cell(&c1[i], own == 1 ? v : 0, false);
        set_cell(&c2[i], own == 2 ? v : 0, true);
    }
}

static void write_small_run(shadow_granule *g, size_t n, shadow_cell v, int own)
{
    _Static_assert(SHADOW_INLINE == 3 && SHADOW_OVF_SLOT == 2, "three planes, the last one with overflow pointers");
    if (own == 0)
        write_small_planes(g, n, v, 0);
    else if (own == 1)
        write_small_planes(g, n, v, 1);
    else
        write_small_planes(g, n, v, 2);
}

void shadow_write_range(uintptr_t addr, size_t size, shadow_cell cell, uint32_t own_cell)
{
    uintptr_t end = shadowed_end(addr, size);
    int own = (int)(own_cell / SHADOW_PLANE_BYTES);
    shadow_cell epoch = cell & ~(shadow_cell)0xff;
    shadow_granule *g;
    size_t n;
    while (addr < end) {
        uintptr_t start = addr;
        addr = region_run(start & ~(uintptr_t)(SHADOW_GRANULE - 1), end, true, &g, &n);
        /* Whole granules first; then a partial first and last granule
         * get their bytes alone. */
        _Atomic shadow_cell *cells = sg_cell(g, own);
        if (n <= SMALL_RUN) {
            write_small_run(g, n, cell, own);
        } else {
            for (int k = 0; k < SHADOW_INLINE; k++)
                if (k != own)
                    clear_cells(sg_cell(g, k), n, k);
            set_cells(cells, n, cell, own);
        }
        unsigned off = start & 7, tail = addr & 7;
        if (off) {
            size_t b = addr - start < SHADOW_GRANULE - off ? addr - start : SHADOW_GRANULE - off;
            set_cell(&cells[0], epoch | (((1u << b) - 1) << off), own == SHADOW_OVF_SLOT);
        }
        if (tail && (n > 1 || !off))
            set_cell(&cells[n - 1], epoch | ((1u << tail) - 1), own == SHADOW_OVF_SLOT);
    }
}

_Static_assert(SHADOW_INLINE == 3 && SHADOW_OVF_SLOT == 2, "freed marks: cells 0 and 1, the overflow cell empty");

void shadow_mark_freed(uintptr_t addr, size_t size, uint32_t slot, uint64_t clock)
{
    uintptr_t end = shadowed_end(addr, size);
    shadow_granule *g;
    size_t n;
    for (addr &= ~(uintptr_t)(SHADOW_GRANULE - 1); addr < end;) {
        addr = region_run(addr, end, true, &g, &n);
        /* Cell 1 before cell 0: a thread that finds the mark in cell 0
         * reads cell 1 after it (sc_freed_record checks both). */
        clear_cells(sg_cell(g, SHADOW_OVF_SLOT), n, SHADOW_OVF_SLOT);
        fill_cells(sg_cell(g, 1), n, sc_freed_by(slot));
        fill_cells(sg_cell(g, 0), n, sc_freed_when(clock));
    }
}

/* Granule i of planes c0, c1, c2 marked freed, cell 1 before cell 0 as
 * shadow_mark_freed does. */
static inline void mark_granule(_Atomic shadow_cell *c0, _Atomic shadow_cell *c1, _Atomic shadow_cell *c2, size_t i,
                                shadow_cell when, shadow_cell by)
{
    set_cell(&c2[i], 0, true);
    atomic_store_explicit(&c1[i], by, memory_order_relaxed);
    atomic_store_explicit(&c0[i], when, memory_order_relaxed);
}

size_t shadow_mark_freed_covered(uintptr_t addr, size_t size, uint32_t slot, uint64_t clock, uint32_t own_cell,
                                 shadow_cell want)
{
    uintptr_t end = shadowed_end(addr, size);
    shadow_granule *g;
    size_t n;
    if ((addr & 7) || addr >= end)
        return 0;
    /* One region's run: a block that crosses into the next is left to
     * the general path from there. */
    uintptr_t stop = region_run(addr, end, false, &g, &n);
    if (!g)
        return 0;
    _Atomic shadow_cell *own = (_Atomic shadow_cell *)((char *)g + own_cell);
    _Atomic shadow_cell *c0 = sg_cell(g, 0), *c1 = sg_cell(g, 1), *c2 = sg_cell(g, 2);
    shadow_cell when = sc_freed_when(clock), by = sc_freed_by(slot);
    /* Whole granules, then a partial last one, whose bytes past the
     * range count as covered. */
    unsigned tail = stop & 7;
    size_t whole = n - (tail != 0), i;
    for (i = 0; i < whole && atomic_load_explicit(&own[i], memory_order_relaxed) == want; i++)
        mark_granule(c0, c1, c2, i, when, by);
    if (i == whole && tail &&
        (atomic_load_explicit(&own[i], memory_order_relaxed) | (uint8_t)~((1u << tail) - 1)) == want)
        mark_granule(c0, c1, c2, i++, when, by);
    return i == n ? stop - addr : i * SHADOW_GRANULE;
}

void shadow_unmark_freed(uintptr_t addr, size_t size, bool keep_free)
{
    uintptr_t end = shadowed_end(addr, size);
    shadow_granule *g;
    size_t n;
    for (addr &= ~(uintptr_t)(SHADOW_GRANULE - 1); addr < end;) {
        addr = region_run(addr, end, false, &g, &n);
        _Atomic shadow_cell *when = g ? sg_cell(g, 0) : NULL, *by = g ? sg_cell(g, 1) : NULL;
        for (size_t i = 0; g && i < n; i++) {
            shadow_cell w = atomic_load_explicit(&when[i], memory_order_relaxed);
            if (!sc_is_freed(w))
                continue;
            shadow_cell rec = keep_free ? sc_freed_record(w, atomic_load_explicit(&by[i], memory_order_relaxed)) : 0;
            atomic_store_explicit(&when[i], rec, memory_order_relaxed);
            atomic_store_explicit(&by[i], 0, memory_order_relaxed);
        }
    }
}
