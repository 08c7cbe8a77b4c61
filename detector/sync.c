/* sync.c: the sync-object table and happens-before operations (sync.h). */
#include "sync.h"

#include "fork.h"
#include "lock.h"
#include "shimlock.h"
#include "rt.h"

#define SYNC_BUCKETS (1u << 14)

/* Each bucket's lock protects its chain and every field of the objects on
 * it. A leaf lock: never held across a call into the program or while
 * taking another shim lock. */
static struct {
    gc_lock_t lock;
    sync_var *head;
} table[SYNC_BUCKETS];

/* Objects of one 8-byte granule share a bucket, so forgetting a range
 * visits one bucket per granule. */
static inline uint32_t bucket_of(uintptr_t addr)
{
    uint64_t h = (uint64_t)(addr >> 3) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 50) & (SYNC_BUCKETS - 1);
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

sync_var *sync_lock(uintptr_t addr, bool create, stack_id creation)
{
    uint32_t b = bucket_of(addr);
    crace_lock(&table[b].lock);
    for (sync_var *s = table[b].head; s; s = s->next)
        if (s->addr == addr)
            return s;
    if (!create) {
        crace_unlock(&table[b].lock);
        return NULL;
    }
    page_mark(addr);
    sync_var *s = crace_alloc(sizeof(*s));
    s->addr = addr;
    vc_init(&s->vc);
    s->creation = creation;
    crace_thread *t = crace_cur;
    s->creator_gid = t ? t->gid : 0;
    s->next = table[b].head;
    table[b].head = s;
    return s;
}

void sync_unlock(sync_var *s)
{
    crace_unlock(&table[bucket_of(s->addr)].lock);
}

/* Forgets the objects of bucket b in [lo, hi); returns whether any was. */
static bool free_matching(uint32_t b, uintptr_t lo, uintptr_t hi)
{
    bool any = false;
    crace_lock(&table[b].lock);
    sync_var **pp = &table[b].head;
    while (*pp) {
        sync_var *s = *pp;
        if (s->addr >= lo && s->addr < hi) {
            *pp = s->next;
            if (s->ext_free)
                s->ext_free(s->ext);
            vc_destroy(&s->vc);
            crace_free(s);
            any = true;
        } else {
            pp = &s->next;
        }
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

/* Every bucket, in index order: bucket locks are leaves, so no thread
 * holding one waits for another, and the order among them is free. */
void sync_fork(enum crace_fork_phase phase)
{
    for (uint32_t b = 0; b < SYNC_BUCKETS; b++)
        crace_fork_lock(&table[b].lock, phase);
}
