/* sync.c: the sync-object table and happens-before operations (sync.h). */
#include "sync.h"

#include "fork.h"
#include "lock.h"
#include "shimlock.h"
#include "rt.h"

#define SYNC_BUCKETS (1u << 14)

/* A bucket's lock orders the changes of its chain: creating an object
 * (it links it at the head), forgetting one (it unlinks it and counts a
 * removal). Lookups walk the chain without it; a walk that finds nothing
 * is believed only when no removal happened meanwhile (a removed object
 * may be reused on another chain, where a walk standing on it would go
 * astray). */
static struct {
    gc_lock_t lock;
    _Atomic uint32_t removals;
    sync_var *_Atomic head;
} table[SYNC_BUCKETS];

/* Objects of one 8-byte granule share a bucket, so forgetting a range
 * visits one bucket per granule. */
static inline uint32_t bucket_of(uintptr_t addr)
{
    uint64_t h = (uint64_t)(addr >> 3) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 50) & (SYNC_BUCKETS - 1);
}

/* Forgotten objects, for reuse (type-stable memory: see sync.h), chained
 * through ext, and the slab objects are cut from. free_lock is a leaf,
 * taken under a bucket lock. */
#define SYNC_SLAB_BYTES (64u << 10)
static gc_lock_t free_lock;
static sync_var *free_list;
static char *slab, *slab_end;

_Static_assert(offsetof(sync_var, creation) == 64, "a sync object's lock, address and inline clock share one cache line");
#define SYNC_STRIDE ((sizeof(sync_var) + 63) & ~(size_t)63)

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
        if (slab == slab_end) {
            slab = crace_mmap(SYNC_SLAB_BYTES);
            slab_end = slab + SYNC_SLAB_BYTES / SYNC_STRIDE * SYNC_STRIDE;
        }
        s = (sync_var *)slab;
        slab += SYNC_STRIDE;
    }
    crace_unlock(&free_lock);
    return s;
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
    for (sync_var *s = atomic_load_explicit(&table[b].head, memory_order_acquire); s;
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
    crace_lock(&table[b].lock);
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
        crace_thread *t = crace_cur;
        s->creator_gid = t ? t->gid : 0;
        s->owner_gid = 0;
        s->lock_stack = 0;
        s->recursion = 0;
        s->ext = NULL;
        s->ext_free = NULL;
        s->cond = (struct sync_cond_binding){0};
        atomic_store_explicit(&s->addr, addr, memory_order_relaxed);
        /* Release: a walk that was standing on s when it was forgotten,
         * and now follows it here, must then see the removal that
         * preceded its reuse, and retry. */
        atomic_store_explicit(&s->next, atomic_load_explicit(&table[b].head, memory_order_relaxed),
                              memory_order_release);
        atomic_store_explicit(&table[b].head, s, memory_order_release);
    }
    crace_unlock(&table[b].lock);
    return s;
}

sync_var *sync_lock(uintptr_t addr, bool create, stack_id creation)
{
    uint32_t b = bucket_of(addr);
    for (;;) {
        uint32_t removals = atomic_load_explicit(&table[b].removals, memory_order_acquire);
        sync_var *s = find(b, addr);
        if (s) {
            if ((s = lock_if_still(s, addr)))
                return s;
            continue; /* forgotten meanwhile: look again */
        }
        if (create)
            return create_locked(b, addr, creation);
        if (atomic_load_explicit(&table[b].removals, memory_order_acquire) == removals)
            return NULL;
    }
}

void sync_unlock(sync_var *s)
{
    crace_unlock(&s->lock);
}

/* Forgets the objects of bucket b in [lo, hi); returns whether any was.
 * Each is unlinked under its own lock too, so whoever holds it finishes
 * first, and its next stays as it was: a walk standing on it goes on
 * along the chain. */
static bool free_matching(uint32_t b, uintptr_t lo, uintptr_t hi)
{
    bool any = false;
    crace_lock(&table[b].lock);
    sync_var *_Atomic *pp = &table[b].head;
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
        atomic_fetch_add_explicit(&table[b].removals, 1, memory_order_release);
        if (s->ext_free)
            s->ext_free(s->ext);
        vc_destroy(&s->vc);
        crace_unlock(&s->lock);
        crace_lock(&free_lock);
        s->ext = free_list;
        free_list = s;
        crace_unlock(&free_lock);
        any = true;
    }
    crace_unlock(&table[b].lock);
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
    sync_var *s = sync_lock(addr, false, 0);
    if (!s)
        return; /* nothing was ever released there */
    vc_join(&t->vc, &s->vc);
    sync_unlock(s);
}

void crace_release(crace_thread *t, uintptr_t addr)
{
    sync_var *s = sync_lock(addr, true, 0);
    vc_join(&s->vc, &t->vc);
    sync_unlock(s);
    crace_thread_tick(t);
}

void crace_release_store(crace_thread *t, uintptr_t addr)
{
    sync_var *s = sync_lock(addr, true, 0);
    vc_copy(&s->vc, &t->vc);
    sync_unlock(s);
    crace_thread_tick(t);
}

void crace_acq_rel(crace_thread *t, uintptr_t addr)
{
    sync_var *s = sync_lock(addr, true, 0);
    vc_join_both(&t->vc, &s->vc);
    sync_unlock(s);
    crace_thread_tick(t);
}

/* Every bucket in index order, each with the objects on its chain (the
 * bucket lock first, as creation takes them: a bucket holder waits only
 * for object holders, which wait for nothing), then the free list. An
 * object on the free list may be held for an instant by a lookup that
 * went astray: the child frees those too. */
void sync_fork(enum crace_fork_phase phase)
{
    for (uint32_t b = 0; b < SYNC_BUCKETS; b++) {
        if (phase == CRACE_FORK_PREPARE)
            crace_fork_lock(&table[b].lock, phase);
        for (sync_var *s = atomic_load_explicit(&table[b].head, memory_order_relaxed); s;
             s = atomic_load_explicit(&s->next, memory_order_relaxed))
            crace_fork_lock(&s->lock, phase);
        if (phase != CRACE_FORK_PREPARE)
            crace_fork_lock(&table[b].lock, phase);
    }
    crace_fork_lock(&free_lock, phase);
    if (phase == CRACE_FORK_CHILD)
        for (sync_var *s = free_list; s; s = s->ext)
            crace_fork_lock(&s->lock, phase);
}
