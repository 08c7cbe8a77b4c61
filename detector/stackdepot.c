/* stackdepot.c: interned stacks (see stackdepot.h). */
#include "stackdepot.h"

#include <stdatomic.h>
#include <string.h>

#include "fork.h"
#include "lock.h"
#include "shimlock.h"
#include "rt.h"

typedef struct depot_entry {
    struct depot_entry *next; /* bucket chain, under the bucket lock */
    uint32_t hash;
    uint32_t n;
    uintptr_t pcs[]; /* n frames, then the entry's id (found by content, returned by id) */
} depot_entry;

#define DEPOT_BUCKETS (1u << 16)
#define DEPOT_CHUNK (1u << 16)
#define DEPOT_CHUNKS (1u << 10)
/* Entries live in the depot's own mappings, STORE_BYTES each, handed out
 * in order and never freed (ids are forever). Not in the program's heap:
 * an allocation stack stored per block put an entry after nearly every
 * block a program allocates, so its blocks lay apart (a tree of 32-byte
 * nodes, 176 bytes apart) and blocks another thread allocated later
 * filled the gaps between them, sharing their cache lines. */
#define STORE_BYTES (1u << 20)

/* Each bucket: a lock protecting its chain. Ids index dir[id / CHUNK][id %
 * CHUNK]; an id is published (store-release) only after its entry is
 * complete, so depot_get needs no lock. */
static struct {
    gc_lock_t lock;
    depot_entry *head;
} buckets[DEPOT_BUCKETS];
static _Atomic(depot_entry **) dir[DEPOT_CHUNKS];
static _Atomic uint32_t next_id = 1;
static gc_lock_t dir_lock = GC_LOCK_INIT;
/* Where entries are cut from; under store_lock, which is taken under a
 * bucket lock and takes none. */
static struct crace_bump store;
static gc_lock_t store_lock = GC_LOCK_INIT;

static uint32_t hash_pcs(const uintptr_t *pcs, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= pcs[i];
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    return (uint32_t)(h ^ (h >> 32));
}

static depot_entry **chunk_for(uint32_t id)
{
    uint32_t c = id / DEPOT_CHUNK;
    CHECK(c < DEPOT_CHUNKS);
    depot_entry **chunk = atomic_load_explicit(&dir[c], memory_order_acquire);
    if (!chunk) {
        crace_lock(&dir_lock);
        chunk = atomic_load_explicit(&dir[c], memory_order_relaxed);
        if (!chunk) {
            chunk = crace_mmap(DEPOT_CHUNK * sizeof(*chunk));
            atomic_store_explicit(&dir[c], chunk, memory_order_release);
        }
        crace_unlock(&dir_lock);
    }
    return chunk;
}

static stack_id depot_insert(const uintptr_t *pcs, size_t n, uint32_t h);

static depot_entry *store_take(size_t n)
{
    size_t bytes = sizeof(depot_entry) + (n + 1) * sizeof(uintptr_t);
    crace_lock(&store_lock);
    depot_entry *e = crace_bump_take(&store, bytes, STORE_BYTES);
    crace_unlock(&store_lock);
    return e;
}

/* Each thread remembers the stacks it stored last, by hash: a lock taken
 * in a loop stores the same stack every time, and finds it here without
 * the bucket lock. An entry is valid if the depot's (immutable) copy
 * matches. */
#define DEPOT_CACHE 64
static CRACE_TLS struct {
    uint32_t hash;
    stack_id id;
} depot_cache[DEPOT_CACHE];

static bool depot_matches(stack_id id, const uintptr_t *pcs, size_t n)
{
    size_t m;
    const uintptr_t *p = depot_get(id, &m);
    return p && m == n && gc_words_equal(p, pcs, n);
}

stack_id depot_put(const uintptr_t *pcs, size_t n)
{
    if (n == 0)
        return 0;
    if (n > STACK_MAX_FRAMES)
        n = STACK_MAX_FRAMES;
    uint32_t h = hash_pcs(pcs, n);
    unsigned slot = h % DEPOT_CACHE;
    if (depot_cache[slot].hash == h && depot_cache[slot].id && depot_matches(depot_cache[slot].id, pcs, n))
        return depot_cache[slot].id;
    stack_id id = depot_insert(pcs, n, h);
    depot_cache[slot].hash = h;
    depot_cache[slot].id = id;
    return id;
}

/* Finds or adds the stack in its bucket. */
static stack_id depot_insert(const uintptr_t *pcs, size_t n, uint32_t h)
{
    uint32_t b = h & (DEPOT_BUCKETS - 1);
    crace_lock(&buckets[b].lock);
    for (depot_entry *e = buckets[b].head; e; e = e->next) {
        if (e->hash == h && e->n == n && gc_words_equal(e->pcs, pcs, n)) {
            stack_id id = (stack_id)e->pcs[n];
            crace_unlock(&buckets[b].lock);
            return id;
        }
    }
    depot_entry *e = store_take(n);
    e->hash = h;
    e->n = (uint32_t)n;
    memcpy(e->pcs, pcs, n * sizeof(pcs[0]));
    stack_id id = atomic_fetch_add(&next_id, 1);
    e->pcs[n] = id;
    depot_entry **chunk = chunk_for(id);
    atomic_store_explicit((_Atomic(depot_entry *) *)&chunk[id % DEPOT_CHUNK], e, memory_order_release);
    e->next = buckets[b].head;
    /* Release: the entry is complete before it is linked (depot_fork). */
    atomic_store_explicit((_Atomic(depot_entry *) *)&buckets[b].head, e, memory_order_release);
    crace_unlock(&buckets[b].lock);
    return id;
}

const uintptr_t *depot_get(stack_id id, size_t *n)
{
    *n = 0;
    if (id == 0 || id >= atomic_load(&next_id))
        return NULL;
    depot_entry **chunk = atomic_load_explicit(&dir[id / DEPOT_CHUNK], memory_order_acquire);
    if (!chunk)
        return NULL;
    depot_entry *e = atomic_load_explicit((_Atomic(depot_entry *) *)&chunk[id % DEPOT_CHUNK], memory_order_acquire);
    if (!e)
        return NULL;
    *n = e->n;
    return e->pcs;
}

size_t depot_count(void)
{
    return atomic_load(&next_id) - 1;
}

/* An insertion is published last (the entry complete, then linked into
 * its bucket, then its id stored with release), and fork() gives the
 * child a prefix of every other thread's stores (a thread that writes a
 * page the fork has already copied waits for the fork to end): so the
 * depot is consistent in the child without holding its locks across the
 * fork, which would cost two copies of every page of its 65536 buckets.
 * The child frees whichever lock an insertion of a vanished thread held;
 * reading the words does not copy their pages. dir_lock and store_lock
 * are held across the fork: each is held for a few instructions, or for
 * a mapping, rare and cheap to wait for. */
void depot_fork(enum crace_fork_phase phase)
{
    crace_fork_lock(&dir_lock, phase);
    crace_fork_lock(&store_lock, phase);
    if (phase != CRACE_FORK_CHILD)
        return;
    for (uint32_t b = 0; b < DEPOT_BUCKETS; b++)
        if (atomic_load_explicit(&buckets[b].lock.state, memory_order_relaxed) != 0)
            atomic_store_explicit(&buckets[b].lock.state, 0, memory_order_relaxed);
}
