/*
 * lockorder.c: lock-order inversions (lockorder.h), as ThreadSanitizer's
 * deadlock detector and Linux lockdep find them.
 *
 * The guarantee: once a thread has acquired lock M by a blocking call
 * while holding lock H, the edge H -> M is in the lock-order graph (until
 * H or M is forgotten). When an edge enters the graph and closes a cycle
 * every link of which can block, the shortest such cycle through the new
 * edge is reported, once per distinct set of edges and once per distinct
 * set of the code paths that made them (each edge's two acquisition
 * stacks: N locks taken in every order by one line of code are one bug,
 * not N(N-1)/2 reports), whether or not the run deadlocked: the threads
 * may have taken the locks seconds apart.
 *
 * Nodes are lock addresses, as in ThreadSanitizer (lockdep reasons about
 * lock classes instead: two instances of a structure's lock are two nodes
 * here). Each edge remembers the goroutine that made it, where it took H
 * and where it then took M.
 *
 * Cost. Each thread keeps the locks it holds in an array without a cap
 * (ThreadSanitizer stops at 64). Acquiring a lock with nothing else held
 * appends to it and takes no lock: the benchmark's one-lock-at-a-time
 * loop pays only that. With locks held, each (held, new) pair is looked
 * up in the thread's edge cache, a direct-mapped table of edges known to
 * be in the graph; a miss takes lo_lock for one hash lookup, and only an
 * edge new to the graph runs the cycle search (breadth-first from M,
 * looking for H): lockdep's "validate each chain once". The cache is
 * invalidated (lo_gen) only when an edge leaves the graph.
 *
 * The search is skipped when it cannot succeed. While the graph has no
 * cycle, its nodes keep a topological order (ord: every edge goes from a
 * lower ord to a higher one), maintained as Pearce and Kelly's dynamic
 * topological sort does: a new edge H -> M with ord(H) < ord(M) closes no
 * cycle and costs nothing more; otherwise only the nodes whose ord lies
 * between the two are searched, and reordered when no cycle is found.
 * Programs that take many locks in one consistent order (accounts locked
 * by number) add edges by the hundred thousand: the search from M over
 * all it reaches made each new edge cost the size of the graph. Once an
 * edge closes a cycle there is no order to keep (ord_valid falls, until
 * the graph is empty again): every new edge is searched, as before.
 *
 * Trylocks and recursive re-locks add no edges: neither can block. A lock
 * taken by a trylock is held all the same, and locks taken while holding
 * it make edges from it (as lockdep and ThreadSanitizer do). Timed locks
 * count as blocking ones, as in ThreadSanitizer: an inversion through them
 * ends in a timeout instead of a hang, a bug all the same.
 *
 * rwlocks: one node per rwlock, whatever the mode; read locks are recorded
 * too (a read lock held while another thread write-locks can deadlock),
 * and each edge remembers whether it was held (from) and taken (to) for
 * reading. A link of a cycle where the holder and the requester of a lock
 * are both readers cannot block with glibc's default reader-preferring
 * rwlocks, so such a cycle is not reported. The one missed case: a
 * writer-preferring rwlock (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP),
 * where a queued writer makes readers wait. When the same pair of locks is
 * seen in several modes, the edge keeps the strongest of each side.
 *
 * Gate locks. Two threads that nest A and B in opposite orders cannot
 * deadlock when both do it while holding a third lock G: whichever holds
 * G first takes both, and the other waits at G. Each edge keeps its
 * guard, the locks held in every acquisition that made or renewed it
 * besides its from lock (up to LO_GUARDS of them, outermost first: a
 * subset of the true intersection, so a cycle is only ever kept, never
 * wrongly dropped). A cycle two of whose edges share a guard lock, held
 * exclusively by at least one of them, cannot happen and is not
 * reported (iGoodLock's condition, Joshi et al., PLDI 2009). A renewal
 * without some guard lock narrows the guard and searches again for the
 * cycle the edge may now close: a gate taken on one path only hides
 * nothing. Threads check a renewal against the guard cached with the edge
 * and take lo_lock only when they hold less.
 *
 * lo_lock protects the graph (both hash tables, the nodes' edge arrays),
 * the reported cycles, lo_gen's changes and the search state. Order: a
 * leaf. Callers take it with no other shim lock held (after the sync
 * bucket lock is released), nothing is taken while it is held but glibc's
 * allocator, it is never held across a call into the program, and reports
 * are rendered after it is released.
 */
#include "lockorder.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fork.h"
#include "lock.h"
#include "shimlock.h"
#include "options.h"
#include "report.h"
#include "report_json.h"
#include "rt.h"
#include "stackfmt.h"
#include "textbuf.h"

/* One lock a thread holds. */
struct lo_held {
    uintptr_t addr;
    stack_id stack; /* where it was taken (the first time, when recursive) */
    uint32_t count; /* recursive acquisitions */
    bool read;      /* read-locked */
    uint8_t kind;   /* LO_RWLOCK, LO_SPIN, LO_ROBUST as taken, for lo_thread_exit */
};

#define LO_KIND_FLAGS (LO_RWLOCK | LO_SPIN | LO_ROBUST)

/* An edge's modes: its from lock was held for reading, its to lock taken
 * for reading. Fewer bits is stronger. */
enum { MODE_FROM_READ = 1, MODE_TO_READ = 2 };

/* An edge's guard (see the top of the file): locks held in every
 * acquisition of the edge besides its from lock; bit i of read set when
 * lock[i] was held for reading in some of them. */
enum { LO_GUARDS = 3 };
struct lo_guard {
    uintptr_t lock[LO_GUARDS];
    uint8_t n;
    uint8_t read;
};

/* The thread's cache of edges known to be in the graph, with at least
 * the given strength and at most the given guard, as of generation gen
 * of the graph (0: empty). */
enum { LO_CACHE_SIZE = 256 };
struct lo_cache_entry {
    uintptr_t from, to;
    uint32_t gen;
    uint8_t modes;
    struct lo_guard guard;
};

struct lo_edge;

struct lo_node {
    uintptr_t addr;
    struct lo_node *hnext;   /* hash chain */
    struct lo_edge **out;    /* edges from this lock */
    struct lo_edge **in;     /* edges into it */
    uint32_t n_out, cap_out, n_in, cap_in;
    uint64_t visit;          /* number of the last search that reached it */
    struct lo_edge *via;     /* the edge that search reached it by */
    uint64_t ord;            /* its place in the topological order (ord_valid) */
};

struct lo_edge {
    struct lo_node *from, *to;
    struct lo_edge *hnext; /* hash chain */
    uint64_t seq;          /* order of entry into the graph */
    uint64_t gid;          /* the goroutine that took to while holding from */
    stack_id creation;     /* where that goroutine was created */
    stack_id from_stack;   /* where it took from */
    stack_id to_stack;     /* where it then took to */
    uint8_t modes;
    /* Its guard (struct lo_guard's n and read, then its locks): as many
     * slots as it had when made, since a guard only ever narrows. Most
     * edges have none, and cost nothing for it (the graph holds tens of
     * thousands of edges in a program that locks many mutexes). */
    uint8_t n_guard, guard_read;
    uintptr_t guard[];
};

/* A chained hash table that doubles when it averages two per bucket. */
struct lo_table {
    void **bucket;
    size_t mask; /* bucket count - 1; 0 before the first insertion */
    size_t n;
};

static gc_lock_t lo_lock = GC_LOCK_INIT;
static struct lo_table node_table, edge_table;
/* node_table.n, readable without lo_lock: lo_forget's early exit. */
static _Atomic size_t n_nodes_pub;
/* Bumped (under lo_lock) when an edge leaves the graph: cached edges of
 * older generations are stale. Never 0 (0 marks an empty cache entry). */
static _Atomic uint32_t lo_gen = 1;
static uint64_t edge_seq;
static uint64_t search_no;
static struct lo_node **queue; /* the search's, n_nodes long */
static size_t queue_cap;
/* The topological order: true while the graph has no cycle and every
 * edge goes from a lower ord to a higher one. next_ord is above every
 * node's ord. */
static bool ord_valid = true;
static uint64_t next_ord;

/* Cycles already reported, by their sorted edges (lock addresses), and
 * by their edges' sorted acquisition stacks (code paths). */
struct lo_reported {
    struct lo_reported *next;
    size_t n;
    uintptr_t pair[]; /* n (from, to) pairs, sorted */
};
static struct lo_reported *reported, *reported_code;

/* A cycle as data for the report: link i goes from lock i to lock i + 1
 * (mod n). */
struct lo_link {
    uintptr_t from, to;
    uint64_t gid;
    stack_id creation, from_stack, to_stack;
    uint8_t modes;
};
struct lo_cycle {
    size_t n;
    struct lo_link link[];
};

/* ---------------------------------------------------------------- tables */

static size_t mix(uintptr_t a, uintptr_t b)
{
    uint64_t h = (uint64_t)a * 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
    h += b;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (size_t)h;
}

static size_t node_hash(const void *p)
{
    return mix(((const struct lo_node *)p)->addr, 0);
}

static size_t edge_hash(const void *p)
{
    const struct lo_edge *e = p;
    return mix(e->from->addr, e->to->addr);
}

/* The hash chain link of an entry: nodes and edges both start their
 * chains at a known offset. */
static void **chain_of(void *entry, bool is_node)
{
    return is_node ? (void **)&((struct lo_node *)entry)->hnext : (void **)&((struct lo_edge *)entry)->hnext;
}

static void table_insert(struct lo_table *t, void *entry, bool is_node)
{
    size_t (*hash)(const void *) = is_node ? node_hash : edge_hash;
    if (t->mask == 0 || t->n >= 2 * (t->mask + 1)) {
        size_t nb = t->mask ? 2 * (t->mask + 1) : 256;
        void **nbucket = crace_alloc(nb * sizeof(void *));
        for (size_t i = 0; t->mask && i <= t->mask; i++) {
            for (void *e = t->bucket[i], *next; e; e = next) {
                next = *chain_of(e, is_node);
                size_t j = hash(e) & (nb - 1);
                *chain_of(e, is_node) = nbucket[j];
                nbucket[j] = e;
            }
        }
        crace_free(t->bucket);
        t->bucket = nbucket;
        t->mask = nb - 1;
    }
    size_t j = hash(entry) & t->mask;
    *chain_of(entry, is_node) = t->bucket[j];
    t->bucket[j] = entry;
    t->n++;
}

static void table_remove(struct lo_table *t, void *entry, bool is_node)
{
    size_t (*hash)(const void *) = is_node ? node_hash : edge_hash;
    void **pp = &t->bucket[hash(entry) & t->mask];
    while (*pp != entry)
        pp = chain_of(*pp, is_node);
    *pp = *chain_of(entry, is_node);
    t->n--;
}

static struct lo_node *node_find(uintptr_t addr)
{
    if (!node_table.mask)
        return NULL;
    struct lo_node *n = node_table.bucket[mix(addr, 0) & node_table.mask];
    while (n && n->addr != addr)
        n = n->hnext;
    return n;
}

static struct lo_node *node_get(uintptr_t addr)
{
    struct lo_node *n = node_find(addr);
    if (n)
        return n;
    n = crace_alloc(sizeof(*n));
    n->addr = addr;
    n->ord = next_ord++; /* no edges yet: last is as good as any place */
    table_insert(&node_table, n, true);
    atomic_store_explicit(&n_nodes_pub, node_table.n, memory_order_relaxed);
    return n;
}

static void node_delete(struct lo_node *n)
{
    table_remove(&node_table, n, true);
    atomic_store_explicit(&n_nodes_pub, node_table.n, memory_order_relaxed);
    if (node_table.n == 0)
        ord_valid = true; /* an empty graph has no cycle (an edge's removal keeps the order) */
    crace_free(n->out);
    crace_free(n->in);
    crace_free(n);
}

static struct lo_edge *edge_find(uintptr_t from, uintptr_t to)
{
    if (!edge_table.mask)
        return NULL;
    struct lo_edge *e = edge_table.bucket[mix(from, to) & edge_table.mask];
    while (e && (e->from->addr != from || e->to->addr != to))
        e = e->hnext;
    return e;
}

static void edges_push(struct lo_edge ***arr, uint32_t *n, uint32_t *cap, struct lo_edge *e)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 4;
        *arr = crace_realloc(*arr, *cap * sizeof(**arr));
    }
    (*arr)[(*n)++] = e;
}

static void edges_drop(struct lo_edge **arr, uint32_t *n, const struct lo_edge *e)
{
    uint32_t i = 0;
    while (i < *n && arr[i] != e)
        i++;
    CHECK(i < *n); /* every edge is in its two nodes' arrays */
    arr[i] = arr[--*n];
}

static void edge_set_guard(struct lo_edge *e, const struct lo_guard *g);

static struct lo_edge *edge_new(struct lo_node *from, struct lo_node *to, const struct lo_guard *g)
{
    struct lo_edge *e = crace_alloc(sizeof(*e) + g->n * sizeof(e->guard[0]));
    edge_set_guard(e, g);
    e->from = from;
    e->to = to;
    e->seq = ++edge_seq;
    table_insert(&edge_table, e, false);
    edges_push(&from->out, &from->n_out, &from->cap_out, e);
    edges_push(&to->in, &to->n_in, &to->cap_in, e);
    return e;
}

/* Removes e; a node left without edges goes too, unless it is keep. */
static void edge_delete(struct lo_edge *e, const struct lo_node *keep)
{
    table_remove(&edge_table, e, false);
    edges_drop(e->from->out, &e->from->n_out, e);
    edges_drop(e->to->in, &e->to->n_in, e);
    struct lo_node *ends[2] = {e->from, e->to};
    for (int i = 0; i < 2; i++)
        if (ends[i] != keep && ends[i]->n_out == 0 && ends[i]->n_in == 0)
            node_delete(ends[i]);
    crace_free(e);
}

/* ---------------------------------------------------------------- guards */

/* Where t holds lock besides h (an entry of t->held), or NULL. */
static const struct lo_held *held_other(const crace_thread *t, const struct lo_held *h, uintptr_t lock)
{
    for (uint32_t i = 0; i < t->n_held; i++)
        if (&t->held[i] != h && t->held[i].addr == lock)
            return &t->held[i];
    return NULL;
}

/* The guard of an edge from h made now: the other locks t holds,
 * outermost first. */
static struct lo_guard guard_now(const crace_thread *t, const struct lo_held *h)
{
    struct lo_guard g = {{0}, 0, 0};
    for (uint32_t i = 0; i < t->n_held && g.n < LO_GUARDS; i++) {
        if (&t->held[i] == h)
            continue;
        if (t->held[i].read)
            g.read |= (uint8_t)(1u << g.n);
        g.lock[g.n++] = t->held[i].addr;
    }
    return g;
}

/* Whether an acquisition from h by t now leaves guard g as it is: t holds
 * each of its locks, exclusively where g says so. */
static bool guard_kept(const struct lo_guard *g, const crace_thread *t, const struct lo_held *h)
{
    for (uint8_t i = 0; i < g->n; i++) {
        const struct lo_held *o = held_other(t, h, g->lock[i]);
        if (!o || (o->read && !(g->read & (1u << i))))
            return false;
    }
    return true;
}

/* g narrowed to what an acquisition from h by t now holds too. */
static void guard_narrow(struct lo_guard *g, const crace_thread *t, const struct lo_held *h)
{
    struct lo_guard out = {{0}, 0, 0};
    for (uint8_t i = 0; i < g->n; i++) {
        const struct lo_held *o = held_other(t, h, g->lock[i]);
        if (!o)
            continue;
        if (o->read || (g->read & (1u << i)))
            out.read |= (uint8_t)(1u << out.n);
        out.lock[out.n++] = g->lock[i];
    }
    *g = out;
}

/* An edge's guard, and its change (g no larger than the edge's). */
static struct lo_guard edge_guard(const struct lo_edge *e)
{
    struct lo_guard g = {{0}, e->n_guard, e->guard_read};
    for (uint8_t i = 0; i < e->n_guard; i++)
        g.lock[i] = e->guard[i];
    return g;
}

static void edge_set_guard(struct lo_edge *e, const struct lo_guard *g)
{
    e->n_guard = g->n;
    e->guard_read = g->read;
    for (uint8_t i = 0; i < g->n; i++)
        e->guard[i] = g->lock[i];
}

/* Whether two edges' guards keep their acquisitions apart: a lock in
 * both, not held for reading by both. */
static bool guards_exclude(const struct lo_guard *a, const struct lo_guard *b)
{
    for (uint8_t i = 0; i < a->n; i++)
        for (uint8_t j = 0; j < b->n; j++)
            if (a->lock[i] == b->lock[j] && !((a->read >> i) & (b->read >> j) & 1))
                return true;
    return false;
}

/* ---------------------------------------------------------------- cycles */

/* Breadth-first from start along out-edges; true when goal is reached,
 * the path then read backwards through the nodes' via. */
static void queue_reserve(void);

static bool search(struct lo_node *start, struct lo_node *goal)
{
    queue_reserve();
    search_no++;
    size_t head = 0, tail = 0;
    start->visit = search_no;
    start->via = NULL;
    queue[tail++] = start;
    while (head < tail) {
        struct lo_node *n = queue[head++];
        if (n == goal)
            return true;
        for (uint32_t i = 0; i < n->n_out; i++) {
            struct lo_node *m = n->out[i]->to;
            if (m->visit != search_no) {
                m->visit = search_no;
                m->via = n->out[i];
                queue[tail++] = m;
            }
        }
    }
    return false;
}

static int pair_cmp(const uintptr_t *a, const uintptr_t *b)
{
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    if (a[1] != b[1])
        return a[1] < b[1] ? -1 : 1;
    return 0;
}

/* True when the cycle's pairs (by_code: its edges' stacks, else their
 * locks) were reported before; otherwise records them and returns false. */
static bool pairs_reported(struct lo_reported **list, struct lo_edge *const *edge, size_t n, bool by_code)
{
    struct lo_reported *r = crace_alloc(sizeof(*r) + 2 * n * sizeof(uintptr_t));
    r->n = n;
    /* Insertion sort: cycles are short. */
    for (size_t i = 0; i < n; i++) {
        uintptr_t p[2] = {by_code ? edge[i]->from_stack : edge[i]->from->addr,
                          by_code ? edge[i]->to_stack : edge[i]->to->addr};
        size_t j = i;
        for (; j > 0 && pair_cmp(&r->pair[2 * (j - 1)], p) > 0; j--) {
            r->pair[2 * j] = r->pair[2 * (j - 1)];
            r->pair[2 * j + 1] = r->pair[2 * (j - 1) + 1];
        }
        r->pair[2 * j] = p[0];
        r->pair[2 * j + 1] = p[1];
    }
    for (struct lo_reported *o = *list; o; o = o->next) {
        if (o->n == n && gc_words_equal(o->pair, r->pair, 2 * n)) {
            crace_free(r);
            return true;
        }
    }
    r->next = *list;
    *list = r;
    return false;
}

/* True when the cycle, or one made by the same code paths, was reported
 * before; otherwise records it. Both keys are recorded: a later cycle of
 * the same locks made elsewhere is no news either. */
static bool already_reported(struct lo_edge *const *edge, size_t n)
{
    bool stacks = true; /* every acquisition's stack known: a code path */
    for (size_t i = 0; i < n; i++)
        stacks &= edge[i]->from_stack != 0 && edge[i]->to_stack != 0;
    bool by_locks = pairs_reported(&reported, edge, n, false);
    bool by_code = stacks && pairs_reported(&reported_code, edge, n, true);
    return by_locks || by_code;
}

/* The search queue, with room for every node. */
static void queue_reserve(void)
{
    if (queue_cap < node_table.n) {
        queue_cap = 2 * node_table.n;
        crace_free(queue);
        queue = crace_alloc(queue_cap * sizeof(*queue));
    }
}

/* From start along out-edges (forward) or in-edges, to the
 * nodes whose ord is below bound (forward) or above it, each marked with
 * this search's number and appended to queue from *n on. True when goal
 * is reached (forward only). */
static bool ord_region(struct lo_node *start, uint64_t bound, bool forward, const struct lo_node *goal, size_t *n)
{
    size_t next = *n;
    start->visit = search_no;
    queue[(*n)++] = start;
    while (next < *n) {
        struct lo_node *v = queue[next++];
        uint32_t deg = forward ? v->n_out : v->n_in;
        for (uint32_t i = 0; i < deg; i++) {
            struct lo_node *w = forward ? v->out[i]->to : v->in[i]->from;
            if (w == goal)
                return true;
            if (w->visit == search_no || (forward ? w->ord >= bound : w->ord <= bound))
                continue;
            w->visit = search_no;
            queue[(*n)++] = w;
        }
    }
    return false;
}

static int ord_cmp(const void *a, const void *b)
{
    uint64_t x = (*(struct lo_node *const *)a)->ord, y = (*(struct lo_node *const *)b)->ord;
    return x < y ? -1 : x > y;
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Edge e (new: ord_valid holds for every other edge) may close a cycle
 * only when e->to comes before e->from. Then the nodes e->to reaches
 * below e->from's ord (F) and those that reach e->from above e->to's (B)
 * are found; e->from among F is a cycle (false: the order is given up).
 * Otherwise B's nodes take the lowest of their joint ords, in their old
 * order, and F's the rest: e goes forward, and every other edge still
 * does. True when e closes no cycle. Under lo_lock. */
static bool ord_insert(struct lo_edge *e)
{
    struct lo_node *x = e->from, *y = e->to;
    if (x->ord < y->ord)
        return true;
    queue_reserve();
    search_no++;
    size_t nf = 0;
    if (ord_region(y, x->ord, true, x, &nf))
        return false;
    size_t nb = nf;
    ord_region(x, y->ord, false, NULL, &nb);
    struct lo_node **f = queue, **b = queue + nf;
    size_t n = nb, n_b = nb - nf;
    qsort(f, nf, sizeof(*f), ord_cmp);
    qsort(b, n_b, sizeof(*b), ord_cmp);
    uint64_t *pool = crace_alloc(n * sizeof(*pool));
    for (size_t i = 0; i < n; i++)
        pool[i] = queue[i]->ord;
    qsort(pool, n, sizeof(*pool), u64_cmp);
    for (size_t i = 0; i < n_b; i++)
        b[i]->ord = pool[i];
    for (size_t i = 0; i < nf; i++)
        f[i]->ord = pool[n_b + i];
    crace_free(pool);
    return true;
}

/* Edge e just entered the graph (new, or grew stronger): the cycle it
 * closes, as report data, or NULL. Under lo_lock. */
static struct lo_cycle *cycle_through(struct lo_edge *e, bool is_new)
{
    if (ord_valid) {
        /* No cycle in the graph before e: a stronger e closes none, and a
         * new one only when the order cannot take it. */
        if (!is_new || ord_insert(e))
            return NULL;
        ord_valid = false;
    }
    if (!search(e->to, e->from))
        return NULL;
    size_t n = 1;
    for (struct lo_node *v = e->from; v->via; v = v->via->from)
        n++;
    struct lo_edge **edge = crace_alloc(n * sizeof(*edge));
    /* edge[0] = e, then the path from e->to back round to e->from. */
    edge[0] = e;
    size_t k = n;
    for (struct lo_node *v = e->from; v->via; v = v->via->from)
        edge[--k] = v->via;
    struct lo_cycle *c = NULL;
    bool blocks = true;
    for (size_t i = 0; i < n; i++) {
        if ((edge[i]->modes & MODE_TO_READ) && (edge[(i + 1) % n]->modes & MODE_FROM_READ))
            blocks = false; /* two readers meet at that lock */
        for (size_t j = i + 1; j < n && blocks; j++)
            if (edge[i]->n_guard && edge[j]->n_guard) {
                struct lo_guard gi = edge_guard(edge[i]), gj = edge_guard(edge[j]);
                if (guards_exclude(&gi, &gj))
                    blocks = false; /* a gate lock keeps them apart */
            }
    }
    if (blocks && !already_reported(edge, n)) {
        /* Told from the edge that entered the graph first. */
        size_t first = 0;
        for (size_t i = 1; i < n; i++)
            if (edge[i]->seq < edge[first]->seq)
                first = i;
        c = crace_alloc(sizeof(*c) + n * sizeof(c->link[0]));
        c->n = n;
        for (size_t i = 0; i < n; i++) {
            const struct lo_edge *x = edge[(first + i) % n];
            c->link[i] = (struct lo_link){x->from->addr, x->to->addr, x->gid, x->creation,
                                          x->from_stack, x->to_stack, x->modes};
        }
    }
    crace_free(edge);
    return c;
}

/* t took lock (stack, read) while holding h: makes sure the edge is in
 * the graph, at least as strong and with at most the guard t holds now
 * (cached as *ce). The cycle it closes, or NULL. Under lo_lock. */
static struct lo_cycle *edge_add(crace_thread *t, const struct lo_held *h, uintptr_t lock, stack_id stack,
                                 uint8_t modes, struct lo_cache_entry *ce)
{
    struct lo_edge *e = edge_find(h->addr, lock);
    bool is_new = !e, stronger = e && (e->modes & ~modes) != 0, narrower = false;
    struct lo_guard g;
    if (is_new) {
        g = guard_now(t, h);
        e = edge_new(node_get(h->addr), node_get(lock), &g);
        e->modes = modes;
    } else {
        e->modes &= modes;
        g = edge_guard(e);
        narrower = !guard_kept(&g, t, h);
        if (narrower) {
            guard_narrow(&g, t, h);
            edge_set_guard(e, &g);
        }
    }
    ce->modes = e->modes;
    ce->guard = g;
    if (!is_new && !stronger && !narrower)
        return NULL;
    /* Told with this acquisition: the one that made the edge a deadlock
     * if it is one now. */
    e->gid = t->gid;
    e->creation = t->creation_stack;
    e->from_stack = h->stack;
    e->to_stack = stack;
    return cycle_through(e, is_new);
}

/* ---------------------------------------------------------------- report */

struct gid_probe {
    uint64_t gid;
    bool running;
};

static void probe_gid(crace_thread *t, void *arg)
{
    struct gid_probe *p = arg;
    if (t->gid == p->gid && atomic_load(&t->state) == THREAD_RUNNING)
        p->running = true;
}

/* The message, from ats[i], where link i of cycle c takes its second lock
 * (a user frame's file:line): those places around the cycle from the
 * first in text order. The same whichever goroutine closed the cycle,
 * and without goroutine numbers (CI tools track findings by it:
 * docs/report-format.md). */
static void put_inversion_message(struct crace_finding *f, const struct lo_cycle *c, const char (*ats)[256])
{
    size_t s = 0;
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(ats[i], ats[s]) < 0)
            s = i;
    struct sbuf msg = {f->message, sizeof(f->message), 0};
    if (c->n == 2)
        sb_printf(&msg, "Lock order inversion: 2 locks taken in opposite orders at ");
    else
        sb_printf(&msg, "Lock order inversion: %zu locks taken in a cycle at ", c->n);
    for (size_t k = 0; k < c->n; k++)
        sb_printf(&msg, "%s%s", k == 0 ? "" : k + 1 == c->n ? " and " : ", ", ats[(s + k) % c->n]);
}

static void render_cycle(struct sbuf *b, const void *arg, struct crace_finding *f)
{
    const struct lo_cycle *c = arg;
    /* Not on the stack: the goroutine closing the cycle may have a small
     * one. */
    char (*ats)[256] = crace_alloc(c->n * sizeof(*ats));
    sb_printf(b, "==================\nWARNING: POTENTIAL DEADLOCK\nCycle in lock order graph:");
    for (size_t i = 0; i < c->n; i++)
        sb_printf(b, " M%zu (0x%012lx) =>", i + 1, (unsigned long)c->link[i].from);
    sb_printf(b, " M1\n");
    for (size_t i = 0; i < c->n; i++) {
        const struct lo_link *l = &c->link[i];
        size_t from = i + 1, to = (i + 1) % c->n + 1;
        sb_printf(b, "\nMutex M%zu %s here while holding mutex M%zu in goroutine %llu:\n", to,
                  l->modes & MODE_TO_READ ? "read-acquired" : "acquired", from, (unsigned long long)l->gid);
        finding_stack_depot(f, b, l->gid, l->to_stack);
        size_t n;
        const uintptr_t *pcs = finding_depot(l->to_stack, &n);
        char key[512];
        finding_where(pcs, n, false, ats[i], sizeof(ats[i]), key, sizeof(key));
        finding_key(f, key);
        struct finding_object *fo = finding_object(f, "mutex", l->from);
        snprintf(fo->name, sizeof(fo->name), "M%zu", from);
        stackfmt_depot(b, l->to_stack, STACK_STYLE_REPORT);
        sb_printf(b, "\nMutex M%zu previously %s by the same goroutine here:\n", from,
                  l->modes & MODE_FROM_READ ? "read-acquired" : "acquired");
        finding_stack_depot(f, b, l->gid, l->from_stack);
        stackfmt_depot(b, l->from_stack, STACK_STYLE_REPORT);
    }
    put_inversion_message(f, c, (const char (*)[256])ats);
    crace_free(ats);
    /* Each goroutine once, as a race report names them. */
    for (size_t i = 0; i < c->n; i++) {
        const struct lo_link *l = &c->link[i];
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= c->link[j].gid == l->gid;
        if (seen || !l->creation)
            continue;
        struct gid_probe p = {l->gid, false};
        crace_thread_foreach(probe_gid, &p);
        sb_printf(b, "\nGoroutine %llu (%s) created at:\n", (unsigned long long)l->gid,
                  p.running ? "running" : "finished");
        struct finding_goroutine *g = finding_goroutine(f, l->gid, p.running ? "running" : "finished");
        g->created_at = finding_depot(l->creation, &g->n_created_at);
        finding_stack_depot(f, b, 0, l->creation);
        stackfmt_depot(b, l->creation, STACK_STYLE_REPORT);
    }
    sb_printf(b, "==================\n");
}

static void report_cycle(const struct lo_cycle *c)
{
    report_render_emit(REPORT_POTENTIAL_DEADLOCK, 64 * 1024, render_cycle, c);
}

/* ---------------------------------------------------------------- threads */

static struct lo_cache_entry *cache_slot(crace_thread *t, uintptr_t from, uintptr_t to)
{
    return &t->lo_cache[mix(from, to) & (LO_CACHE_SIZE - 1)];
}

/* Whether the acquisition from h of to by t (modes) is an edge already
 * in the graph, as strong, with a guard t holds all of. */
static bool cache_has(const struct lo_cache_entry *ce, const crace_thread *t, const struct lo_held *h,
                      uintptr_t to, uint8_t modes, uint32_t gen)
{
    return ce->gen == gen && ce->from == h->addr && ce->to == to && (ce->modes & ~modes) == 0 &&
           (ce->guard.n == 0 || guard_kept(&ce->guard, t, h));
}

/* t takes lock while holding t->held[0 .. n_held): the edges from each.
 * Slow only for edges the thread has not seen in the graph. */
static void add_edges(crace_thread *t, uintptr_t lock, stack_id stack, bool read)
{
    if (!t->lo_cache)
        t->lo_cache = crace_alloc(LO_CACHE_SIZE * sizeof(*t->lo_cache));
    uint32_t gen = atomic_load_explicit(&lo_gen, memory_order_acquire);
    uint32_t i = 0;
    for (; i < t->n_held; i++) {
        const struct lo_held *h = &t->held[i];
        uint8_t modes = (h->read ? MODE_FROM_READ : 0) | (read ? MODE_TO_READ : 0);
        if (!cache_has(cache_slot(t, h->addr, lock), t, h, lock, modes, gen))
            break;
    }
    if (i == t->n_held)
        return;

    struct lo_cycle **found = NULL;
    size_t n_found = 0;
    t->in_shim++;
    crace_lock(&lo_lock);
    gen = atomic_load_explicit(&lo_gen, memory_order_relaxed);
    for (; i < t->n_held; i++) {
        const struct lo_held *h = &t->held[i];
        uint8_t modes = (h->read ? MODE_FROM_READ : 0) | (read ? MODE_TO_READ : 0);
        struct lo_cache_entry *ce = cache_slot(t, h->addr, lock);
        if (cache_has(ce, t, h, lock, modes, gen))
            continue;
        *ce = (struct lo_cache_entry){.from = h->addr, .to = lock, .gen = gen};
        struct lo_cycle *c = edge_add(t, h, lock, stack, modes, ce);
        if (c) {
            found = crace_realloc(found, (n_found + 1) * sizeof(*found));
            found[n_found++] = c;
        }
    }
    crace_unlock(&lo_lock);
    for (size_t k = 0; k < n_found; k++) {
        report_cycle(found[k]);
        crace_free(found[k]);
    }
    crace_free(found);
    t->in_shim--;
}

static CRACE_NOINLINE void held_grow(crace_thread *t)
{
    t->held_cap = t->held_cap ? 2 * t->held_cap : 8;
    t->held = crace_realloc(t->held, t->held_cap * sizeof(*t->held));
}

/* With other locks held: a recursive re-lock, or edges from each. */
static CRACE_NOINLINE void acquired_nested(crace_thread *t, uintptr_t lock, stack_id stack, unsigned flags)
{
    for (uint32_t i = t->n_held; i > 0; i--) {
        if (t->held[i - 1].addr == lock) {
            t->held[i - 1].count++; /* recursive: cannot block, no edges */
            return;
        }
    }
    bool read = (flags & LO_READ) != 0;
    if (!(flags & LO_TRY) && crace_opts.detect_deadlocks)
        add_edges(t, lock, stack, read);
    if (t->n_held == t->held_cap)
        held_grow(t);
    t->held[t->n_held++] = (struct lo_held){lock, stack, 1, read, (uint8_t)(flags & LO_KIND_FLAGS)};
}

void lo_acquired(crace_thread *t, uintptr_t lock, stack_id stack, unsigned flags)
{
    if (CRACE_UNLIKELY(t->n_held != 0)) {
        acquired_nested(t, lock, stack, flags);
        return;
    }
    /* The fast path: nothing else held, nothing to check. */
    if (CRACE_UNLIKELY(t->held_cap == 0))
        held_grow(t);
    t->held[0] = (struct lo_held){lock, stack, 1, (flags & LO_READ) != 0, (uint8_t)(flags & LO_KIND_FLAGS)};
    t->n_held = 1;
}

bool lo_released(crace_thread *t, uintptr_t lock)
{
    uint32_t n = t->n_held;
    /* The fast path: the last one taken, not recursively. */
    if (CRACE_LIKELY(n != 0 && t->held[n - 1].addr == lock && t->held[n - 1].count == 1)) {
        t->n_held = n - 1;
        return true;
    }
    for (uint32_t i = n; i > 0; i--) {
        struct lo_held *h = &t->held[i - 1];
        if (h->addr != lock)
            continue;
        if (--h->count == 0) {
            memmove(h, h + 1, (n - i) * sizeof(*h));
            t->n_held--;
        }
        return true;
    }
    return false;
}

bool lo_held_at(const crace_thread *t, uintptr_t lock, stack_id *stack)
{
    for (uint32_t i = t->n_held; i > 0; i--) {
        if (t->held[i - 1].addr == lock) {
            *stack = t->held[i - 1].stack;
            return true;
        }
    }
    return false;
}

bool lo_holds(const crace_thread *t, uintptr_t lock)
{
    stack_id unused;
    return lo_held_at(t, lock, &unused);
}

bool lo_last_held(const crace_thread *t, uintptr_t *lock, stack_id *stack)
{
    if (t->n_held == 0)
        return false;
    *lock = t->held[t->n_held - 1].addr;
    *stack = t->held[t->n_held - 1].stack;
    return true;
}

/* Removes n and its edges; the search cache of every thread goes stale.
 * Under lo_lock. */
static void node_forget(struct lo_node *n)
{
    while (n->n_out)
        edge_delete(n->out[n->n_out - 1], n);
    while (n->n_in)
        edge_delete(n->in[n->n_in - 1], n);
    node_delete(n);
    uint32_t g = atomic_load_explicit(&lo_gen, memory_order_relaxed) + 1;
    atomic_store_explicit(&lo_gen, g ? g : 1, memory_order_release);
}

void lo_forget(uintptr_t lock)
{
    if (atomic_load_explicit(&n_nodes_pub, memory_order_relaxed) == 0)
        return;
    crace_lock(&lo_lock);
    struct lo_node *n = node_find(lock);
    if (n)
        node_forget(n);
    crace_unlock(&lo_lock);
}

void lo_forget_range(uintptr_t addr, size_t size)
{
    if (atomic_load_explicit(&n_nodes_pub, memory_order_relaxed) == 0)
        return;
    crace_lock(&lo_lock);
    for (size_t b = 0; node_table.mask && b <= node_table.mask; b++) {
        struct lo_node **pp = (struct lo_node **)&node_table.bucket[b];
        while (*pp) {
            struct lo_node *n = *pp;
            if (n->addr - addr < size) {
                /* Deleting edges may delete other nodes, of any bucket:
                 * start the bucket again. */
                node_forget(n);
                pp = (struct lo_node **)&node_table.bucket[b];
            } else {
                pp = &n->hnext;
            }
        }
    }
    crace_unlock(&lo_lock);
}

void lo_thread_exit(crace_thread *t, void (*still_held)(crace_thread *t, uintptr_t lock, stack_id stack,
                                                        unsigned flags))
{
    for (uint32_t i = 0; i < t->n_held; i++) {
        const struct lo_held *h = &t->held[i];
        still_held(t, h->addr, h->stack, h->kind | (h->read ? LO_READ : 0));
    }
    crace_free(t->held);
    crace_free(t->lo_cache);
    t->held = NULL;
    t->lo_cache = NULL;
    t->n_held = t->held_cap = 0;
}

void lo_fork(enum crace_fork_phase phase)
{
    crace_fork_lock(&lo_lock, phase);
}
