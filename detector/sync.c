/* sync.c: the sync-object table and happens-before operations (sync.h). */
#include "sync.h"

#include "fork.h"
#include "lock.h"
#include "shimlock.h"
#include "rt.h"

/* The table: SYNC_BUCKETS chains, and SYNC_STRIPES locks, bucket b
 * taking stripe b % SYNC_STRIPES. A stripe's lock orders the changes of
 * its buckets' chains: creating an object (it links it at the head),
 * forgetting one (it unlinks it and counts a removal). Lookups walk a
 * chain without it; a walk that finds nothing is believed only when no
 * removal happened in the stripe meanwhile (a removed object may be reused
 * on another chain, where a walk standing on it would go astray).
 *
 * Many chains, few locks: a program with millions of atomic variables or
 * mutexes (an array of atomic counters) has millions of objects, and
 * with 16,384 chains each lookup walked hundreds (4 million atomics: 93 s,
 * clang's ThreadSanitizer 4.5 s), and with 262,144 the objects of other
 * pages' granules still cost a cache miss or two per lookup among a
 * million (an array of atomic counters: 10 % of its time). The locks stay
 * few because a fork takes them all. The heads take 8 MiB of address
 * space, touched only where objects are: a page's granules have
 * consecutive buckets (bucket_of). */
#define SYNC_BUCKETS (1u << 20)
#define SYNC_STRIPES (1u << 14)

static struct {
    gc_lock_t lock;
    _Atomic uint32_t removals;
} stripes[SYNC_STRIPES];
static sync_var *_Atomic heads[SYNC_BUCKETS];

/* Objects of one 8-byte granule share a bucket, so forgetting a range
 * visits one bucket per granule; the granules of one 4 KiB page have
 * consecutive buckets (wrapping), whose heads share a page or two of the
 * table. A hash of the page picks the first, anywhere: objects at the
 * same offset of many pages (each thread's descriptor at the top of its
 * stack, a lock heading each page-sized record) land apart. */
static inline uint32_t bucket_of(uintptr_t addr)
{
    uint64_t page = (uint64_t)(addr >> 12) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)((page >> 40) + ((addr >> 3) & 511)) & (SYNC_BUCKETS - 1);
}

static inline gc_lock_t *bucket_lock(uint32_t b)
{
    return &stripes[b % SYNC_STRIPES].lock;
}

static inline _Atomic uint32_t *bucket_removals(uint32_t b)
{
    return &stripes[b % SYNC_STRIPES].removals;
}

/* Forgotten objects, for reuse (type-stable memory: see sync.h), chained
 * through ext, and the slabs objects are cut from: each slab begins with
 * a cache line holding its link to the slab made before it (slabs), then
 * objects up to its end (the last slab's, cut up to `cut`). free_lock
 * guards all four; a leaf, taken under a bucket lock. */
#define SYNC_SLAB_BYTES (64u << 10)
#define SYNC_STRIDE ((sizeof(sync_var) + 63) & ~(size_t)63)
#define SLAB_FIRST 64
#define SLAB_END (SLAB_FIRST + (SYNC_SLAB_BYTES - SLAB_FIRST) / SYNC_STRIDE * SYNC_STRIDE)
static gc_lock_t free_lock;
static sync_var *free_list;
static char *slabs, *cut, *cut_end;

_Static_assert(offsetof(sync_var, creation) == 64, "a sync object's lock, address and inline clock share one cache line");

/* A forgotten or fresh object, addr 0. A lookup that went astray may
 * still take its lock for an instant (it finds addr 0 and lets go).
 * Under a bucket lock. */
static sync_var *object_alloc(void)
{
    crace_lock(&free_lock);
    sync_var *s = free_list;
    if (s) {
        free_list = s->ext;
    } else {
        if (cut == cut_end) {
            char *slab = crace_mmap(SYNC_SLAB_BYTES);
            *(char **)slab = slabs;
            slabs = slab;
            cut = slab + SLAB_FIRST;
            cut_end = slab + SLAB_END;
        }
        s = (sync_var *)cut;
        cut += SYNC_STRIDE;
    }
    crace_unlock(&free_lock);
    return s;
}

/*
 * The fork gate. A fork must not copy an object in the middle of an
 * update (its clock half-grown, say), nor one whose lock a thread that
 * will not exist in the child holds. Taking every object's lock would
 * cost a fork time in proportion to the objects alive (17 ms with
 * 100,000 mutexes); instead the forking thread closes the gate, takes
 * the bucket locks, and waits until no object's lock is held (a read of
 * every slab). A thread that takes an object's lock and then finds the
 * gate closed lets go at once and waits for the fork on its bucket's
 * lock: the lock word is set before the gate is read, and the gate
 * closed before the lock words are read, so either the forking thread
 * sees the lock held and waits, or the thread sees the gate closed. Such
 * a brief hold can still be in the parent's memory when it is copied: the
 * child frees every lock word.
 */
static _Atomic bool gate_closed;

/* True when s, just locked for bucket b, had to be let go for a fork
 * (the caller looks it up again afterwards). */
static bool fork_waits(sync_var *s, uint32_t b)
{
#if !defined(__x86_64__) && !defined(__i386__)
    /* The lock's compare-and-swap must be ordered before the gate's read
     * (on x86 a locked instruction is a full barrier already). */
    atomic_thread_fence(memory_order_seq_cst);
#endif
    if (CRACE_LIKELY(!atomic_load_explicit(&gate_closed, memory_order_relaxed)))
        return false;
    crace_unlock(&s->lock);
    crace_lock(bucket_lock(b)); /* held by the forking thread until it is done */
    crace_unlock(bucket_lock(b));
    return true;
}

/* One bit per 4 KiB page of address space: set when a sync object was
 * ever created there, so freeing memory that never held one (nearly every
 * free) costs a bit test per page. Mapped lazily (MAP_NORESERVE). */
#define SYNC_PAGE_SHIFT 12
static _Atomic uint64_t *page_bits;

static void page_bits_init(void)
{
    if (!page_bits)
        page_bits = crace_mmap((1ull << (47 - SYNC_PAGE_SHIFT)) / 8);
}

static void page_mark(uintptr_t addr)
{
    uint64_t page = (addr & ((1ull << 47) - 1)) >> SYNC_PAGE_SHIFT;
    uint64_t bit = 1ull << (page & 63);
    if (!(atomic_load_explicit(&page_bits[page / 64], memory_order_relaxed) & bit))
        atomic_fetch_or_explicit(&page_bits[page / 64], bit, memory_order_relaxed);
}

static bool page_marked(uintptr_t addr)
{
    uint64_t page = (addr & ((1ull << 47) - 1)) >> SYNC_PAGE_SHIFT;
    return (atomic_load_explicit(&page_bits[page / 64], memory_order_relaxed) >> (page & 63)) & 1;
}

void sync_init(void)
{
    page_bits_init();
}

/* The object at addr on bucket b's chain, found without a lock: NULL
 * when absent, or when the walk met an object that was being reused.
 * Each object's first line is fetched for writing before its address is
 * read: the one found is locked next, and its clock changes, on a line
 * another thread wrote last (one transfer instead of a shared copy and
 * then an exclusive one). */
static sync_var *find(uint32_t b, uintptr_t addr)
{
    for (sync_var *s = atomic_load_explicit(&heads[b], memory_order_acquire); s;
         s = atomic_load_explicit(&s->next, memory_order_acquire)) {
        __builtin_prefetch(s, 1);
        if (atomic_load_explicit(&s->addr, memory_order_relaxed) == addr)
            return s;
    }
    return NULL;
}

/* s, locked, unless it was forgotten (and perhaps reused for another
 * address) since it was found for addr. */
static sync_var *lock_if_still(sync_var *s, uintptr_t addr)
{
    crace_lock(&s->lock);
    if (atomic_load_explicit(&s->addr, memory_order_relaxed) == addr)
        return s;
    crace_unlock(&s->lock);
    return NULL;
}

/* Creates the object at addr, returned locked, unless another thread has
 * just done so (then that one, locked). */
static sync_var *create_locked(uint32_t b, uintptr_t addr, stack_id creation)
{
    crace_lock(bucket_lock(b));
    /* Authoritative under the bucket lock: nothing is linked or unlinked
     * meanwhile, and no object on the chain can be forgotten. */
    sync_var *s = find(b, addr);
    if (s) {
        crace_lock(&s->lock);
    } else {
        page_mark(addr);
        s = object_alloc();
        crace_lock(&s->lock);
        vc_init_in(&s->vc, s->vc_inline, SYNC_VC_INLINE);
        s->creation = creation;
        sync_relseq_set(s, SYNC_RELSEQ_NONE, SYNC_RELSEQ_NONE);
        crace_thread *t = crace_cur;
        s->creator_gid = t ? t->gid : 0;
        s->owner_gid = 0;
        s->lock_stack = 0;
        s->recursion = 0;
        s->init_cell = 0;
        s->ext = NULL;
        s->ext_free = NULL;
        s->cond = (struct sync_cond_binding){0};
        atomic_store_explicit(&s->addr, addr, memory_order_relaxed);
        /* Release: a walk that was standing on s when it was forgotten,
         * and now follows it here, must then see the removal that
         * preceded its reuse, and retry. */
        atomic_store_explicit(&s->next, atomic_load_explicit(&heads[b], memory_order_relaxed),
                              memory_order_release);
        atomic_store_explicit(&heads[b], s, memory_order_release);
    }
    crace_unlock(bucket_lock(b));
    return s;
}

sync_var *sync_lock(uintptr_t addr, bool create, stack_id creation)
{
    uint32_t b = bucket_of(addr);
    for (;;) {
        uint32_t removals = atomic_load_explicit(bucket_removals(b), memory_order_acquire);
        sync_var *s = find(b, addr);
        if (s)
            s = lock_if_still(s, addr); /* NULL: forgotten meanwhile, look again */
        else if (create)
            s = create_locked(b, addr, creation);
        else if (atomic_load_explicit(bucket_removals(b), memory_order_acquire) == removals)
            return NULL;
        if (s && !fork_waits(s, b))
            return s;
    }
}

sync_var *sync_peek(uintptr_t addr)
{
    return find(bucket_of(addr), addr);
}

sync_var *sync_lock_found(sync_var *s, uintptr_t addr)
{
    s = lock_if_still(s, addr);
    if (s && !fork_waits(s, bucket_of(addr)))
        return s;
    return sync_lock(addr, false, 0);
}

/* Forgets the objects of bucket b in [lo, hi); returns whether any was.
 * Each is unlinked under its own lock too, so whoever holds it finishes
 * first, and its next stays as it was: a walk standing on it goes on
 * along the chain. */
static bool free_matching(uint32_t b, uintptr_t lo, uintptr_t hi)
{
    bool any = false;
    /* An empty chain: nothing to take a lock for (forgetting a big range
     * visits a bucket per granule). An object created there meanwhile, in
     * memory being freed, belongs to a program already wrong. */
    if (!atomic_load_explicit(&heads[b], memory_order_relaxed))
        return false;
    crace_lock(bucket_lock(b));
    sync_var *_Atomic *pp = &heads[b];
    sync_var *s;
    while ((s = atomic_load_explicit(pp, memory_order_relaxed))) {
        uintptr_t a = atomic_load_explicit(&s->addr, memory_order_relaxed);
        if (a < lo || a >= hi) {
            pp = &s->next;
            continue;
        }
        crace_lock(&s->lock);
        atomic_store_explicit(pp, atomic_load_explicit(&s->next, memory_order_relaxed), memory_order_release);
        atomic_store_explicit(&s->addr, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(bucket_removals(b), 1, memory_order_release);
        if (s->ext_free)
            s->ext_free(s->ext);
        vc_destroy(&s->vc);
        sync_vc_bump(s); /* the object is another one when next found */
        crace_unlock(&s->lock);
        crace_lock(&free_lock);
        s->ext = free_list;
        free_list = s;
        crace_unlock(&free_lock);
        any = true;
    }
    crace_unlock(bucket_lock(b));
    return any;
}

void sync_free(uintptr_t addr)
{
    free_matching(bucket_of(addr), addr, addr + 1);
}

bool sync_free_range(uintptr_t addr, size_t size)
{
    bool any = false;
    uintptr_t end = addr + size;
    for (uintptr_t page = addr & ~(uintptr_t)4095; page < end; page += 4096) {
        if (!page_marked(page)) {
            /* A whole bitmap word clear: 64 pages without a sync object
             * (an munmap of gigabytes costs a scan of its words). */
            uint64_t p = (page & ((1ull << 47) - 1)) >> SYNC_PAGE_SHIFT;
            if (p % 64 == 0 && !atomic_load_explicit(&page_bits[p / 64], memory_order_relaxed))
                page += 63 * 4096;
            continue;
        }
        uintptr_t lo = page > addr ? page : addr;
        uintptr_t hi = page + 4096 < end ? page + 4096 : end;
        for (uintptr_t g = lo & ~(uintptr_t)7; g < hi; g += 8)
            any |= free_matching(bucket_of(g), lo > g ? lo : g, hi < g + 8 ? hi : g + 8);
    }
    return any;
}

void crace_acquire(crace_thread *t, uintptr_t addr)
{
    if (t->ignore_sync)
        return;
    sync_var *s = sync_lock(addr, false, 0);
    if (!s)
        return; /* nothing was ever released there */
    vc_join(&t->vc, &s->vc);
    sync_unlock(s);
}

void crace_release(crace_thread *t, uintptr_t addr)
{
    if (t->ignore_sync)
        return;
    sync_var *s = sync_lock(addr, true, 0);
    sync_release_locked(s, &t->vc);
    sync_unlock(s);
    crace_thread_tick(t);
}

void crace_release_store(crace_thread *t, uintptr_t addr)
{
    if (t->ignore_sync)
        return;
    sync_var *s = sync_lock(addr, true, 0);
    vc_copy(&s->vc, &t->vc);
    sync_vc_bump(s);
    sync_released_elsewhere(s);
    sync_unlock(s);
    crace_thread_tick(t);
}

void crace_acq_rel(crace_thread *t, uintptr_t addr)
{
    if (t->ignore_sync)
        return;
    sync_var *s = sync_lock(addr, true, 0);
    vc_join_both(&t->vc, &s->vc);
    sync_vc_bump(s);
    sync_released_elsewhere(s);
    sync_unlock(s);
    crace_thread_tick(t);
}

/* Every object of every slab (under free_lock, or in the child). */
#define FOR_EACH_OBJECT(s)                                                                   \
    for (char *slab_ = slabs; slab_; slab_ = *(char **)slab_)                                \
        for (sync_var *s = (sync_var *)(slab_ + SLAB_FIRST);                                 \
             (char *)s < (slab_ == slabs ? cut : slab_ + SLAB_END); s = (sync_var *)((char *)s + SYNC_STRIDE))

/* The fork gate (above), then every bucket lock in index order (their
 * holders wait only for object locks, which wait for nothing), then
 * free_lock; then the wait for every object lock to be free. */
void sync_fork(enum crace_fork_phase phase)
{
    if (phase == CRACE_FORK_PREPARE) {
        atomic_store_explicit(&gate_closed, true, memory_order_seq_cst);
        atomic_thread_fence(memory_order_seq_cst); /* before any lock word is read */
        for (uint32_t i = 0; i < SYNC_STRIPES; i++)
            crace_fork_lock(&stripes[i].lock, phase);
        crace_fork_lock(&free_lock, phase);
        FOR_EACH_OBJECT(s)
            while (atomic_load_explicit(&s->lock.state, memory_order_acquire))
                gc_cpu_relax();
        return;
    }
    if (phase == CRACE_FORK_CHILD)
        FOR_EACH_OBJECT(s)
            if (atomic_load_explicit(&s->lock.state, memory_order_relaxed))
                crace_fork_lock(&s->lock, phase);
    atomic_store_explicit(&gate_closed, false, memory_order_relaxed);
    crace_fork_lock(&free_lock, phase);
    for (uint32_t i = SYNC_STRIPES; i-- > 0;)
        crace_fork_lock(&stripes[i].lock, phase);
}
