/*
 * heap.c: the table of live heap blocks (heap.h).
 *
 * Two structures describe the same set of blocks:
 *
 *  - A hash table keyed by block start, split into HEAP_STRIPES stripes.
 *    Each stripe has its own lock and its own open-addressing table
 *    (linear probing, backward-shift deletion, so no tombstones), grown at
 *    3/4 load and shrunk at 1/8. Threads that allocate at the same time
 *    almost always hash to different stripes, so a malloc-heavy program
 *    does not serialise on one lock.
 *
 *  - A bitmap of block starts, one bit per HEAP_ALIGN bytes of address
 *    space, in HEAP_REGION_SIZE regions mapped lazily (MAP_NORESERVE) and
 *    found by arithmetic, like the shadow. It answers "which block
 *    contains addr" for a report: the nearest start at or below addr,
 *    found by scanning words backwards, is the only block that can contain
 *    it, since live blocks never overlap. Bits are set and cleared with
 *    atomic or/and; no lock.
 *
 * Costs (n live blocks): heap_alloc and heap_take are O(1) expected (one
 * stripe lock, one atomic bit update; plus the engine's shadow_reset in
 * heap_alloc and a scan of the block's own bitmap words, size / 1 KiB
 * word reads, to drop stale starts inside it). Growing or shrinking a
 * stripe is O(n / HEAP_STRIPES), amortised O(1). heap_find is O(1) for a
 * block start; for an interior address it reads d / 1 KiB bitmap words,
 * d being the distance down to the nearest live start, bounded by the
 * largest block ever allocated (untouched regions are skipped whole),
 * then does one hash lookup. A non-heap address (a global, a stack) costs
 * the same bounded scan, so describing a report's location stays cheap.
 *
 * Invariants: a start is in the bitmap only while (or just before or
 * after, during heap_alloc and heap_take) it is in its stripe; the
 * bitmap only holds starts that are HEAP_ALIGN-aligned below 2^47 (every
 * block glibc returns is 16-byte aligned on x86-64 and aarch64; others
 * are still found by their exact start). Entries may go stale when a free
 * was not seen (one made from a signal handler while this thread was in
 * the table); heap_alloc drops stale starts inside a new block, and
 * overwrites a stale entry at the same start.
 *
 * The stripes' tables come from the table's own mappings (table_take),
 * not from glibc's heap, which is the program's: a table freed there
 * when its stripe grows leaves a hole of kilobytes among the program's
 * blocks, which blocks of another thread then fill (two threads' data on
 * shared cache lines, where natively each thread's lie together).
 *
 * Lock order: a stripe lock, then pool_lock (a leaf, taken only under a
 * stripe lock). While a stripe lock is held no allocator but the pool is
 * called, never the program and never another detector lock, and one
 * thread holds at most one stripe lock (except heap_fork, which takes
 * them all in index order before a fork: no thread is then in the pool).
 */
#include "heap.h"

#include <stdatomic.h>
#include <string.h>

#include "fork.h"
#include "lock.h"
#include "shimlock.h"
#include "rt.h"
#include "shadow.h"

#define HEAP_STRIPES 256u
#define HEAP_MIN_CAP 64u /* entries of a stripe's first table */

#define HEAP_ALIGN_SHIFT 4
#define HEAP_ALIGN (1u << HEAP_ALIGN_SHIFT)
#define HEAP_ADDR_BITS 47
#define HEAP_REGION_SHIFT 26 /* 64 MiB of address space per bitmap region */
#define HEAP_REGION_SIZE (1ull << HEAP_REGION_SHIFT)
#define HEAP_REGIONS (1ull << (HEAP_ADDR_BITS - HEAP_REGION_SHIFT))
#define HEAP_WORD_SPAN (64ull << HEAP_ALIGN_SHIFT) /* bytes of address space per bitmap word */
#define HEAP_REGION_WORDS (HEAP_REGION_SIZE / HEAP_WORD_SPAN)

/* Blocks freed last in a stripe, kept for reports: a race with a free is
 * found when the memory is used after it, and the report then names the
 * block it was ("Location is freed heap block"). Nothing but a report
 * reads them, and it asks only when no live block holds the address. */
#define HEAP_FREED 8u

struct heap_stripe {
    _Alignas(64) gc_lock_t lock; /* protects count, cap, slots and freed */
    uint32_t count;              /* live entries; read unlocked only as an estimate */
    uint32_t cap;                /* 0 before first use, else a power of two */
    struct heap_block *slots;    /* slots[i].start == 0: empty */
    uint32_t freed_next;         /* the oldest of freed, overwritten next */
    struct heap_block freed[HEAP_FREED]; /* start == 0: empty */
};

static struct heap_stripe stripes[HEAP_STRIPES];

/* The pool of stripe tables: power-of-two sizes from HEAP_MIN_CAP entries
 * up, each class a free list linked through a table's first word, cut
 * from POOL_CHUNK mappings (reserved, touched as used). A table larger
 * than half a chunk is a mapping of its own, unmapped when freed. Freed
 * tables are kept for the next stripe that grows to their size. */
#define POOL_CHUNK (1u << 20)
#define POOL_CLASSES 9u /* 2 KiB (HEAP_MIN_CAP entries) to half a chunk */
_Static_assert(((size_t)HEAP_MIN_CAP * sizeof(struct heap_block) << (POOL_CLASSES - 1)) == POOL_CHUNK / 2,
               "the pool's classes end at half a chunk");
static gc_lock_t pool_lock = GC_LOCK_INIT;
static void *pool_free[POOL_CLASSES];
static struct crace_bump pool_chunks;

static size_t table_bytes(uint32_t cap)
{
    return (size_t)cap * sizeof(struct heap_block);
}

static unsigned table_class(uint32_t cap)
{
    return (unsigned)(__builtin_ctz(cap) - __builtin_ctz(HEAP_MIN_CAP));
}

/* A zeroed table of cap entries (a power of two, at least HEAP_MIN_CAP):
 * one given back is cleared; fresh memory from a mapping is zero. */
static struct heap_block *table_take(uint32_t cap)
{
    size_t bytes = table_bytes(cap);
    if (bytes > POOL_CHUNK / 2)
        return crace_mmap(bytes);
    unsigned c = table_class(cap);
    crace_lock(&pool_lock);
    void *t = pool_free[c];
    bool given_back = t != NULL;
    if (given_back)
        pool_free[c] = *(void **)t;
    else
        t = crace_bump_take(&pool_chunks, bytes, POOL_CHUNK);
    crace_unlock(&pool_lock);
    if (given_back)
        memset(t, 0, bytes);
    return t;
}

static void table_give(struct heap_block *t, uint32_t cap)
{
    if (!t)
        return;
    if (table_bytes(cap) > POOL_CHUNK / 2) {
        crace_munmap(t, table_bytes(cap));
        return;
    }
    unsigned c = table_class(cap);
    crace_lock(&pool_lock);
    *(void **)t = pool_free[c];
    pool_free[c] = t;
    crace_unlock(&pool_lock);
}

/* The largest block ever recorded: bounds the backward scan of heap_find. */
static _Atomic size_t heap_max_size;

/* Directory of bitmap regions, indexed by addr >> HEAP_REGION_SHIFT;
 * mapped on first use, a region installed with one CAS, never removed. */
typedef _Atomic uint64_t heap_word;
static _Atomic(heap_word *) *_Atomic heap_dir;

/* Set while this thread is inside the table: a signal handler that
 * interrupts it and frees must not wait for the stripe lock it holds. */
static CRACE_TLS int heap_busy;

/* The block this thread is freeing (heap_take), start 0 when none: out
 * of the table already, still live to its own reports (heap_find). */
static CRACE_TLS struct heap_block leaving;

/* ---------------------------------------------------------------- hash */

/* A 64-bit mixer (murmur3's finaliser): neighbouring blocks land in
 * unrelated stripes and slots. */
static uint64_t heap_hash(uintptr_t start)
{
    uint64_t x = (uint64_t)start >> HEAP_ALIGN_SHIFT;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* Stripes come in HEAP_GROUPS groups: a block's group is picked by the
 * 64 MiB window of address space it starts in, its stripe within the
 * group by its hash. glibc gives each thread's arena heaps of their own,
 * 64 MiB-aligned, so threads that allocate and free their own blocks
 * mostly keep to different stripes: the lock and slot lines stay in one
 * core's cache instead of moving between cores at every malloc and free
 * (the stripe lock's compare-and-swap and the first slot's load were a
 * fifth of the time of two threads doing little but malloc and free). */
#define HEAP_GROUPS 16u
#define HEAP_GROUP_STRIPES (HEAP_STRIPES / HEAP_GROUPS)

static struct heap_stripe *stripe_of(uintptr_t start, uint64_t h)
{
    uint64_t window = (uint64_t)(start >> 26) * 0x9e3779b97f4a7c15ull;
    uint32_t group = (uint32_t)(window >> 60) % HEAP_GROUPS;
    return &stripes[group * HEAP_GROUP_STRIPES + h % HEAP_GROUP_STRIPES];
}

static uint32_t home_of(const struct heap_stripe *s, uint64_t h)
{
    return (uint32_t)(h / HEAP_STRIPES) & (s->cap - 1);
}

/* The entry for start, or NULL. Under s->lock. */
static struct heap_block *stripe_find(struct heap_stripe *s, uintptr_t start, uint64_t h)
{
    if (s->cap == 0)
        return NULL;
    for (uint32_t i = home_of(s, h);; i = (i + 1) & (s->cap - 1)) {
        struct heap_block *b = &s->slots[i];
        if (b->start == start)
            return b;
        if (b->start == 0)
            return NULL;
    }
}

/* Stores b, whose start hashes to h, replacing a (stale) entry with the
 * same start. There is a free slot. Under s->lock. */
static void stripe_put(struct heap_stripe *s, const struct heap_block *b, uint64_t h)
{
    for (uint32_t i = home_of(s, h);; i = (i + 1) & (s->cap - 1)) {
        struct heap_block *slot = &s->slots[i];
        if (slot->start == b->start) {
            *slot = *b;
            return;
        }
        if (slot->start == 0) {
            *slot = *b;
            s->count++;
            return;
        }
    }
}

/* Rehashes s into a table of cap entries. Under s->lock. */
static void stripe_resize(struct heap_stripe *s, uint32_t cap)
{
    struct heap_block *old = s->slots;
    uint32_t old_cap = s->cap;
    s->slots = table_take(cap);
    s->cap = cap;
    s->count = 0;
    for (uint32_t i = 0; i < old_cap; i++)
        if (old[i].start)
            stripe_put(s, &old[i], heap_hash(old[i].start));
    table_give(old, old_cap);
}

/* Removes the entry at slot: the entries after it in its probe run that
 * may live at slot move back (backward-shift deletion). Under s->lock. */
static void stripe_erase(struct heap_stripe *s, struct heap_block *slot)
{
    uint32_t mask = s->cap - 1;
    uint32_t hole = (uint32_t)(slot - s->slots);
    for (uint32_t i = (hole + 1) & mask; s->slots[i].start; i = (i + 1) & mask) {
        uint32_t home = home_of(s, heap_hash(s->slots[i].start));
        /* The entry at i may fill the hole when its home is not in the
         * cyclic interval (hole, i]. */
        bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!stays) {
            s->slots[hole] = s->slots[i];
            hole = i;
        }
    }
    s->slots[hole].start = 0;
    s->count--;
    if (s->cap > HEAP_MIN_CAP && s->count < s->cap / 8)
        stripe_resize(s, s->cap / 2);
}

/* Copies out the block starting exactly at start. */
static bool lookup(uintptr_t start, struct heap_block *out)
{
    uint64_t h = heap_hash(start);
    struct heap_stripe *s = stripe_of(start, h);
    heap_busy++;
    crace_lock(&s->lock);
    struct heap_block *b = stripe_find(s, start, h);
    if (b)
        *out = *b;
    crace_unlock(&s->lock);
    heap_busy--;
    return b != NULL;
}

/* Removes the block starting exactly at start, copied out to *out (when
 * not NULL): one lock for the lookup and the removal. */
static bool forget(uintptr_t start, struct heap_block *out)
{
    uint64_t h = heap_hash(start);
    struct heap_stripe *s = stripe_of(start, h);
    heap_busy++;
    crace_lock(&s->lock);
    struct heap_block *b = stripe_find(s, start, h);
    if (b) {
        if (out)
            *out = *b;
        s->freed[s->freed_next] = *b;
        s->freed_next = (s->freed_next + 1) % HEAP_FREED;
        stripe_erase(s, b);
    }
    crace_unlock(&s->lock);
    heap_busy--;
    return b != NULL;
}

/* ---------------------------------------------------------------- bitmap */

static bool start_tracked(uintptr_t start)
{
    return (start >> HEAP_ADDR_BITS) == 0 && (start & (HEAP_ALIGN - 1)) == 0;
}

/* The bitmap words of the region holding addr; created when create is
 * set, else NULL when the region never held a block. */
static heap_word *region_words(uintptr_t addr, bool create)
{
    _Atomic(heap_word *) *dir = atomic_load_explicit(&heap_dir, memory_order_acquire);
    if (!dir) {
        if (!create)
            return NULL;
        size_t bytes = HEAP_REGIONS * sizeof(dir[0]);
        _Atomic(heap_word *) *fresh = crace_mmap(bytes);
        if (atomic_compare_exchange_strong(&heap_dir, &dir, fresh)) {
            dir = fresh;
        } else {
            crace_munmap(fresh, bytes); /* another thread installed it; dir holds it */
        }
    }
    _Atomic(heap_word *) *slot = &dir[addr >> HEAP_REGION_SHIFT];
    heap_word *w = atomic_load_explicit(slot, memory_order_acquire);
    if (!w && create) {
        size_t bytes = HEAP_REGION_WORDS * sizeof(heap_word);
        heap_word *fresh = crace_mmap(bytes);
        if (atomic_compare_exchange_strong(slot, &w, fresh)) {
            w = fresh;
        } else {
            crace_munmap(fresh, bytes);
        }
    }
    return w;
}

static void start_mark(uintptr_t start, bool set)
{
    if (!start_tracked(start))
        return;
    heap_word *w = region_words(start, set);
    if (!w)
        return;
    uint64_t bit = (start & (HEAP_REGION_SIZE - 1)) >> HEAP_ALIGN_SHIFT;
    uint64_t m = 1ull << (bit % 64);
    if (set)
        atomic_fetch_or_explicit(&w[bit / 64], m, memory_order_relaxed);
    else
        atomic_fetch_and_explicit(&w[bit / 64], ~m, memory_order_relaxed);
}

/* The highest marked start in [lo, addr], or 0. */
static uintptr_t start_at_or_below(uintptr_t addr, uintptr_t lo)
{
    if (addr >> HEAP_ADDR_BITS)
        addr = (1ull << HEAP_ADDR_BITS) - 1;
    while (addr >= lo) {
        uintptr_t base = addr & ~(uintptr_t)(HEAP_REGION_SIZE - 1);
        heap_word *w = region_words(addr, false);
        if (w) {
            uint64_t bit = (addr - base) >> HEAP_ALIGN_SHIFT;
            uint64_t i = bit / 64;
            /* Bits above addr's own in its word do not count. */
            uint64_t keep = bit % 64 == 63 ? ~0ull : (2ull << (bit % 64)) - 1;
            uint64_t m = atomic_load_explicit(&w[i], memory_order_relaxed) & keep;
            for (;;) {
                if (m) {
                    uintptr_t s = base + ((i * 64 + 63 - (uint64_t)__builtin_clzll(m)) << HEAP_ALIGN_SHIFT);
                    return s >= lo ? s : 0;
                }
                if (i == 0 || base + i * HEAP_WORD_SPAN <= lo)
                    break; /* the next word down lies wholly below lo */
                i--;
                m = atomic_load_explicit(&w[i], memory_order_relaxed);
            }
        }
        if (base == 0)
            break;
        addr = base - 1;
    }
    return 0;
}

/* Starts recorded inside a new block [start, start + size) are stale: the
 * memory was freed without the table seeing it. Drops them. */
static void drop_stale_inside(uintptr_t start, size_t size)
{
    if (size <= HEAP_ALIGN || !start_tracked(start))
        return;
    /* The common case first: a block within one bitmap word, whose bits
     * past its start are clear. */
    uint64_t bit = (start & (HEAP_REGION_SIZE - 1)) >> HEAP_ALIGN_SHIFT;
    uint64_t last = bit + ((size - 1) >> HEAP_ALIGN_SHIFT);
    if (last / 64 == bit / 64) {
        heap_word *w = region_words(start, false);
        uint64_t inside = ((2ull << (last % 64)) - 1) & ~((2ull << (bit % 64)) - 1);
        if (!w || !(atomic_load_explicit(&w[bit / 64], memory_order_relaxed) & inside))
            return;
    }
    uintptr_t lo = start + 1;
    uintptr_t at = size - 1 > UINTPTR_MAX - start ? UINTPTR_MAX : start + size - 1;
    uintptr_t s;
    while ((s = start_at_or_below(at, lo)) != 0) {
        forget(s, NULL);
        start_mark(s, false);
        at = s - 1;
    }
}

/* ---------------------------------------------------------------- API */

void heap_alloc(uintptr_t start, size_t size, uint64_t gid, stack_id stack, shadow_cell written, uint32_t own_cell)
{
    if (heap_busy)
        return; /* a signal handler interrupted this thread in the table */
    if (written)
        shadow_write_range(start, size, written, own_cell);
    else
        shadow_reset(start, size);
    drop_stale_inside(start, size);

    size_t max = atomic_load_explicit(&heap_max_size, memory_order_relaxed);
    while (size > max && !atomic_compare_exchange_weak(&heap_max_size, &max, size))
        ;

    struct heap_block b = {.start = start, .size = size, .gid = gid, .stack = stack};
    uint64_t h = heap_hash(start);
    struct heap_stripe *s = stripe_of(start, h);
    heap_busy++;
    crace_lock(&s->lock);
    if (s->cap == 0)
        stripe_resize(s, HEAP_MIN_CAP);
    else if ((s->count + 1) * 4u > s->cap * 3u)
        stripe_resize(s, s->cap * 2);
    stripe_put(s, &b, h);
    crace_unlock(&s->lock);
    heap_busy--;
    start_mark(start, true);
}

bool heap_take(uintptr_t start, struct heap_block *out)
{
    if (heap_busy || !forget(start, out))
        return false;
    start_mark(start, false);
    leaving = *out;
    return true;
}

void heap_take_done(void)
{
    leaving.start = 0;
}

bool heap_find(uintptr_t addr, struct heap_block *out)
{
    if (heap_busy)
        return false;
    if (leaving.start && addr - leaving.start < leaving.size) {
        *out = leaving;
        return true;
    }
    if (lookup(addr, out))
        return true;
    size_t max = atomic_load_explicit(&heap_max_size, memory_order_relaxed);
    if (max == 0)
        return false;
    /* A block holding addr starts at or above addr - (its size - 1). */
    uintptr_t lo = addr >= max ? addr - (max - 1) : 1;
    uintptr_t at = addr;
    uintptr_t s;
    while ((s = start_at_or_below(at, lo)) != 0) {
        if (lookup(s, out))
            return addr - out->start < out->size;
        /* A start marked but not (or no longer) in its stripe: a block
         * being allocated or freed right now. Look further down. */
        at = s - 1;
    }
    return false;
}

bool heap_find_freed(uintptr_t addr, struct heap_block *out)
{
    if (heap_busy)
        return false;
    bool found = false;
    heap_busy++;
    for (unsigned i = 0; i < HEAP_STRIPES; i++) {
        struct heap_stripe *s = &stripes[i];
        crace_lock(&s->lock);
        for (unsigned k = 0; k < HEAP_FREED; k++) {
            const struct heap_block *b = &s->freed[k];
            /* The nearest start below addr: the block most likely to be
             * the last one there when freed blocks overlap. */
            if (b->start && addr - b->start < b->size && (!found || b->start > out->start)) {
                *out = *b;
                found = true;
            }
        }
        crace_unlock(&s->lock);
    }
    heap_busy--;
    return found;
}

/* ---------------------------------------------------------------- fork */

/* fork() must give the child a consistent table: every stripe is locked
 * across it, so no other thread is half-way through an update. The
 * forking thread is inside the shim meanwhile (intercept_fork.c), so its
 * own allocations by later fork handlers pass through unrecorded instead
 * of waiting for a lock it holds itself. glibc takes its arena locks
 * after the prepare handlers, which keeps the order stripe lock -> arena
 * lock of heap_alloc. In the child the locks are simply free again (no
 * waiter survives the fork to be woken). */
void heap_fork(enum crace_fork_phase phase)
{
    for (unsigned i = 0; i < HEAP_STRIPES; i++)
        crace_fork_lock(&stripes[i].lock, phase);
}
