/* access.c: the slow part of checking an access against the shadow, and
 * turning a detected race into a report. */
#include "access.h"

#include <errno.h>
#include <string.h>

#include "history.h"
#include "intercept_signal.h"
#include "module.h"
#include "options.h"
#include "report.h"
#include "suppress.h"
#include "symbolize.h"

/* Can cell old be dropped once cur (which happens after it) is recorded?
 * Only if every access that would race with old also races with cur: cur
 * covers old's bytes, is a write or old is a read, and does not turn a
 * plain access into an atomic one (an atomic cur does not race with a
 * later atomic access, but old did). */
static bool sc_subsumes(shadow_cell cur, shadow_cell old)
{
    if ((sc_mask(old) & sc_mask(cur)) != sc_mask(old))
        return false;
    if (sc_is_write(old) && !sc_is_write(cur))
        return false;
    return !(sc_is_atomic(cur) && !sc_is_atomic(old));
}

/* Is old, which cur subsumes, better left in place unless its cell is
 * needed? Another thread's read, when cur is a read: dropping it would
 * only make that thread write it back at its next read, so two threads
 * reading the same word in every epoch (a loop bound read after each
 * lock or atomic) would each rewrite both cells every time, on a cache
 * line both keep taking from the other. A write drops everything it
 * subsumes: writers under one lock then share one record whatever their
 * number. */
static bool sc_spare(shadow_cell cur, shadow_cell old, uint32_t self)
{
    return !sc_is_write(cur) && sc_slot(old) != self;
}

static bool sc_races(shadow_cell cur, shadow_cell old)
{
    if (!(sc_mask(old) & sc_mask(cur)))
        return false;
    if (!sc_is_write(old) && !sc_is_write(cur))
        return false;
    return !(sc_is_atomic(old) && sc_is_atomic(cur));
}

/* Is c a plain read of bytes that cur, a write, touches? Such a record,
 * another thread's, gets the recheck mark once cur is stored (below). */
static inline bool sc_read_beside_write(shadow_cell cur, shadow_cell c)
{
    return sc_is_write(cur) && !(c & (SC_WRITE_BIT | SC_ATOMIC_BIT)) && (c & cur & 0xff);
}

/*
 * Is c, beside cur, an access by thread self now recorded, another
 * thread's record of bytes cur touches that its owner's next access of
 * the same kind replaces without looking at the other cells as long as
 * it has no recheck mark (SC_RECHECK_BIT, shadow.h), and so would not
 * meet cur? Such a record is tested and gets the mark (mark_after_store):
 * - an atomic record, beside a plain cur, one of the two a write;
 * - a plain read, beside a write, plain or atomic
 * (replace_in_place).
 * Marked or not: a marked one may be replaced meanwhile by its owner's
 * next record, unmarked, which the second look must then meet.
 */
static inline bool sc_to_mark(shadow_cell cur, shadow_cell c, uint32_t self)
{
    if (!(sc_mask(c) & sc_mask(cur)) || sc_slot(c) == self)
        return false;
    if (sc_is_atomic(c))
        return !sc_is_atomic(cur) && (sc_is_write(c) || sc_is_write(cur));
    return sc_read_beside_write(cur, c);
}

/* Races already reported by this thread, keyed by its pc and the other
 * side's cell: a racy loop reports once instead of rebuilding the same
 * report at every iteration. The same pair at another address is looked
 * at again a few times (SEEN_ADDRS): the other side's record does not say
 * where it was made, and two statements a compiler merged into one
 * instruction can race with two other statements of one epoch (an atomic
 * add and an atomic store of two variables, each raced with by one plain
 * read), whose reports differ by their previous stacks; a loop over an
 * array builds that many reports and then stops. */
#define SEEN_RACES 64
#define SEEN_ADDRS 8
static CRACE_TLS struct {
    uintptr_t pc;
    shadow_cell other;
    uintptr_t addr;  /* the last address the pair was met at */
    unsigned addrs;  /* distinct addresses met, up to SEEN_ADDRS */
} seen[SEEN_RACES];

static void report_race(crace_thread *t, uintptr_t addr, size_t size, uintptr_t granule, shadow_cell cur,
                        shadow_cell old, uintptr_t pc);
static void freed_use(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size, shadow_cell cur,
                      uintptr_t pc);

/* What a walk over a granule's cells found. */
struct scan {
    shadow_cell cur;
    const crace_thread *t;
    _Atomic shadow_cell *replace, *merge, *empty, *spare;
    shadow_cell replace_was, merge_was, spare_was; /* their values when scanned */
    shadow_cell racy;
    shadow_ovf *ovf; /* the last inline cell points to this chain */
    bool covered;    /* a cell records cur already (same epoch, its bytes, same or stronger kind) */
    _Atomic shadow_cell *covered_at;
    bool marks;      /* a record that may need the recheck mark was met (mark_after_store) */
};

/* The overflow block cell p points to, p having been seen holding the
 * pointer (read relaxed): read again with acquire ordering, which the
 * block's contents need (written before the compare-and-swap that
 * published it, store_cell). The same value: a cell keeps its overflow
 * pointer until the granule's shadow is reset. Only where a granule has
 * a block, rather than an acquire load of every cell. */
static inline shadow_ovf *ovf_at(_Atomic shadow_cell *p)
{
    return sc_to_ovf(atomic_load_explicit(p, memory_order_acquire));
}

/* n cells, stride apart (an overflow block's are adjacent, a granule's
 * inline cells a plane apart). */
static void scan_cells(struct scan *sc, _Atomic shadow_cell *cells, int n, size_t stride)
{
    /* Locals: the stores into *sc and the cells could otherwise make the
     * compiler read these again for every cell. */
    const shadow_cell cur = sc->cur;
    const uint32_t self = sc->t->slot, known = sc->t->vc.size;
    const crace_clock_t *clk = sc->t->vc.clk;
    for (int i = 0; i < n; i++) {
        _Atomic shadow_cell *p = &cells[(size_t)i * stride];
        shadow_cell c = atomic_load_explicit(p, memory_order_relaxed);
        if (c == 0) {
            if (!sc->empty)
                sc->empty = p;
            continue;
        }
        if (sc_is_ovf(c)) {
            sc->ovf = ovf_at(p);
            continue;
        }
        sc->marks |= sc_to_mark(cur, c, self);
        if (sc_covers_same_epoch(c, cur)) {
            sc->covered = true;
            sc->covered_at = p;
            continue;
        }
        uint32_t s = sc_slot(c);
        bool ordered = s == self || (s < known && sc_clock(c) <= clk[s]);
        if (!ordered && !sc->racy && sc_races(cur, c))
            sc->racy = c;
        if (ordered && sc_subsumes(cur, c)) {
            if (sc_spare(cur, c, self)) {
                if (!sc->spare) {
                    sc->spare = p;
                    sc->spare_was = c;
                }
            } else if (!sc->replace) {
                sc->replace = p;
                sc->replace_was = c;
            } else { /* a second covered cell: drop it */
                atomic_compare_exchange_strong(p, &c, 0);
            }
        } else if (!sc->merge && ((c ^ cur) & ~(uint64_t)0xff) == 0) {
            sc->merge = p; /* same epoch and kind, other bytes */
            sc->merge_was = c;
        }
    }
}

/* n cells, stride apart: drops those that wide, a record just widened
 * in place (the merge of store_cell or store_ordered), subsumes now and
 * did not before, as the scan would have had wide been the access. A
 * thread that reads (or writes) both halves of a word in every epoch
 * widens a new record each time: without this, each epoch's record stayed
 * beside the next one's, one more cell per epoch, and every access
 * scanned them all. */
static void drop_cells(const crace_thread *t, _Atomic shadow_cell *keep, shadow_cell wide,
                       _Atomic shadow_cell *cells, int n, size_t stride)
{
    for (int i = 0; i < n; i++) {
        _Atomic shadow_cell *p = &cells[(size_t)i * stride];
        shadow_cell c = atomic_load_explicit(p, memory_order_relaxed);
        if (c == 0 || p == keep || sc_is_ovf(c) || !sc_happens_before(c, t))
            continue;
        if (sc_subsumes(wide, c) && !sc_spare(wide, c, t->slot))
            atomic_compare_exchange_strong(p, &c, 0);
    }
}

static void drop_subsumed(shadow_granule *g, const struct scan *sc, shadow_cell wide)
{
    drop_cells(sc->t, sc->merge, wide, sg_cell(g, 0), SHADOW_INLINE, SHADOW_REGION_GRANULES);
    for (shadow_ovf *o = sc->ovf; o; o = atomic_load_explicit(&o->next, memory_order_acquire))
        drop_cells(sc->t, sc->merge, wide, o->cell, SHADOW_OVF_CELLS, 1);
}

/* Records cur in the granule where the scan found room: the cell stored
 * into, or NULL when another thread changed the granule since the scan.
 * Every change is a compare-and-swap against the value the scan saw, so
 * another thread's change in between (a cell turned into an overflow
 * pointer, say) is never overwritten or mangled; the caller scans again
 * (access_general). */
static _Atomic shadow_cell *store_cell(shadow_granule *g, struct scan *sc, shadow_ovf *last)
{
    shadow_cell cur = sc->cur;
    if (sc->replace) {
        shadow_cell was = sc->replace_was;
        return atomic_compare_exchange_strong(sc->replace, &was, cur) ? sc->replace : NULL;
    } else if (sc->merge) {
        shadow_cell was = sc->merge_was;
        if (!atomic_compare_exchange_strong(sc->merge, &was, was | sc_mask(cur)))
            return NULL;
        drop_subsumed(g, sc, was | sc_mask(cur));
        return sc->merge;
    } else if (sc->empty) {
        shadow_cell zero = 0;
        return atomic_compare_exchange_strong(sc->empty, &zero, cur) ? sc->empty : NULL;
    } else if (sc->spare) {
        shadow_cell was = sc->spare_was;
        return atomic_compare_exchange_strong(sc->spare, &was, cur) ? sc->spare : NULL;
    } else if (last) {
        shadow_ovf *o = shadow_ovf_alloc();
        atomic_store_explicit(&o->cell[0], cur, memory_order_relaxed);
        shadow_ovf *none = NULL;
        if (atomic_compare_exchange_strong(&last->next, &none, o))
            return &o->cell[0];
        shadow_ovf_release(o);
        return NULL;
    } else {
        /* Every inline cell holds a live access: move the last one into
         * a new overflow block and point that cell at it. */
        _Atomic shadow_cell *last_inline = sg_cell(g, SHADOW_OVF_SLOT);
        shadow_cell moved = atomic_load_explicit(last_inline, memory_order_relaxed);
        /* Another thread may have moved it since the scan: an overflow
         * pointer moved into a block would hide that chain's records
         * (nothing walks a pointer in a block). */
        if (moved == 0 || sc_is_ovf(moved))
            return NULL;
        shadow_ovf *o = shadow_ovf_alloc();
        atomic_store_explicit(&o->cell[0], moved, memory_order_relaxed);
        atomic_store_explicit(&o->cell[1], cur, memory_order_relaxed);
        if (atomic_compare_exchange_strong(last_inline, &moved, sc_from_ovf(o)))
            return &o->cell[1];
        shadow_ovf_release(o);
        return NULL;
    }
}

/* t's hint for granule g (thread.h, ovf_hints). */
static inline struct crace_ovf_hint *ovf_hint(crace_thread *t, const shadow_granule *g)
{
    size_t n = sizeof(t->ovf_hints) / sizeof(t->ovf_hints[0]);
    return &t->ovf_hints[((uintptr_t)g / sizeof(*g)) % n];
}

/* Remembers cell, where t's record of g now is, while g has the chain
 * head; nothing without a chain (the fast path looks at inline cells). */
static inline void ovf_hint_set(crace_thread *t, const shadow_granule *g, shadow_cell head,
                                _Atomic shadow_cell *cell)
{
    if (cell && sc_is_ovf(head))
        *ovf_hint(t, g) = (struct crace_ovf_hint){g, head, cell};
}

/*
 * The common case of an access in a new epoch, settled without the
 * general scan: no overflow block, and every record in the granule
 * happens before this access (this thread's own from earlier epochs, the
 * last holders' of a lock, data written before the thread started) or
 * cannot race with it (another thread's concurrent read of data this
 * access only reads). Nothing can race then. The access replaces the
 * ordered records it subsumes (stored in its own cell when that is free
 * or among them; the general path keeps the first replaced record's
 * cell), or widens one of its own epoch and kind,
 * or takes an empty cell (its own first), or else another thread's read
 * it subsumes but leaves alone while there is room (sc_spare); a granule
 * with no room left, a record this access may race with and a concurrent
 * change (a compare-and-swap that fails) go to the general path. True
 * when done.
 *
 * It applies the general path's rules (scan_cells and store_cell: what
 * subsumes what, spares, widening a same-epoch record, the own cell
 * first) to the inline cells alone, in registers, in one pass: 3-13 % fewer
 * instructions on the lock and atomics benchmarks than sending these
 * accesses through the general scan. The two must stay in step. When it
 * gives up, the general path reads the inline cells again.
 */
static bool store_ordered(crace_thread *t, shadow_granule *g, shadow_cell cur, shadow_cell v[SHADOW_INLINE])
{
    const crace_clock_t *clk = t->vc.clk;
    uint32_t known = t->vc.size, self = t->slot;
    unsigned subsumed = 0; /* bit i: cell i is dropped once cur is stored */
    unsigned ordered = 0;  /* bit i: cell i happens before cur */
    int merge = -1, empty = -1, spare = -1;
#pragma GCC unroll 3
    for (int i = 0; i < SHADOW_INLINE; i++) {
        shadow_cell c = v[i] = atomic_load_explicit(sg_cell(g, i), memory_order_relaxed);
        if (c == 0) {
            if (empty < 0)
                empty = i;
            continue;
        }
        if (sc_is_ovf(c))
            return false;
        uint32_t s = sc_slot(c);
        if (s != self && (s >= known || sc_clock(c) > clk[s])) {
            /* Concurrent: the general path reports it if it races;
             * otherwise (a read beside a read, other bytes, two atomics)
             * it stays, untouched. */
            if (sc_races(cur, c))
                return false;
            continue;
        }
        ordered |= 1u << i;
        if (sc_subsumes(cur, c)) {
            if (!sc_spare(cur, c, self))
                subsumed |= 1u << i;
            else if (spare < 0)
                spare = i;
        } else if (CRACE_UNLIKELY(sc_is_write(cur)) && s != self && sc_read_beside_write(cur, c)) {
            return false; /* a read to mark (mark_after_store): the general path */
        } else if (merge < 0 && ((c ^ cur) & ~(uint64_t)0xff) == 0) {
            merge = i; /* same epoch and kind, other bytes */
        }
    }
    int own = (int)(t->own_cell / SHADOW_PLANE_BYTES);
    if (subsumed) {
        /* Into the thread's own cell when it is free or among those cur
         * replaces, where the thread's next accesses look first: a block
         * one thread filled and another then updates (a tree main built,
         * walked by a worker) would otherwise keep the worker's records
         * in the filler's cell, a second line of shadow for every access. */
        int i = v[own] == 0 || (subsumed >> own & 1) ? own : __builtin_ctz(subsumed);
        if (!atomic_compare_exchange_strong(sg_cell(g, i), &v[i], cur))
            return false;
        subsumed &= ~(1u << i);
        /* The others are covered by cur now: dropping one loses nothing,
         * and one that changed meanwhile is left alone. */
        for (; subsumed; subsumed &= subsumed - 1) {
            i = __builtin_ctz(subsumed);
            shadow_cell was = v[i]; /* v[i] stays what was seen, for the recheck */
            atomic_compare_exchange_strong(sg_cell(g, i), &was, 0);
        }
        return true;
    }
    if (merge >= 0) {
        shadow_cell wide = v[merge] | sc_mask(cur);
        if (!atomic_compare_exchange_strong(sg_cell(g, merge), &v[merge], wide))
            return false;
        /* What the widened record subsumes now, as store_cell's merge. */
        for (ordered &= ~(1u << merge); ordered; ordered &= ordered - 1) {
            int i = __builtin_ctz(ordered);
            shadow_cell was = v[i];
            if (sc_subsumes(wide, was) && !sc_spare(wide, was, self))
                atomic_compare_exchange_strong(sg_cell(g, i), &was, 0);
        }
        return true;
    }
    if (empty < 0) {
        if (spare < 0)
            return false;
        return atomic_compare_exchange_strong(sg_cell(g, spare), &v[spare], cur);
    }
    /* The thread's own cell when free: its next accesses look there first
     * (crace_own_cell). */
    if (v[own] == 0)
        empty = own;
    shadow_cell zero = 0;
    return atomic_compare_exchange_strong(sg_cell(g, empty), &zero, cur);
}

/* The first of n cells, stride apart, that cur races with; 0 if none.
 * *ovf gets the overflow chain when one of them points to it. mo: the
 * loads' order (seq_cst where they must see a store that another thread
 * made before its own look at this granule, a constant). */
static inline __attribute__((always_inline)) shadow_cell racing_cell(const crace_thread *t, shadow_cell cur,
                                                                      _Atomic shadow_cell *cells, int n,
                                                                      size_t stride, shadow_ovf **ovf,
                                                                      memory_order mo)
{
    for (int i = 0; i < n; i++) {
        shadow_cell c = atomic_load_explicit(&cells[(size_t)i * stride], mo);
        if (c == 0)
            continue;
        if (sc_is_ovf(c)) {
            *ovf = ovf_at(&cells[(size_t)i * stride]);
            continue;
        }
        if (!sc_happens_before(c, t) && sc_races(cur, c))
            return c;
    }
    return 0;
}

/* The same over an overflow chain. */
static shadow_cell chain_racing(const crace_thread *t, shadow_cell cur, shadow_ovf *o, memory_order mo)
{
    shadow_cell racy = 0;
    shadow_ovf *unused;
    for (; o && !racy; o = atomic_load_explicit(&o->next, memory_order_acquire))
        racy = racing_cell(t, cur, o->cell, SHADOW_OVF_CELLS, 1, &unused, mo);
    return racy;
}

/* The first record of granule g, inline or in its overflow chain, that
 * cur races with; 0 if none. */
static shadow_cell granule_racing(const crace_thread *t, shadow_cell cur, shadow_granule *g, memory_order mo)
{
    shadow_ovf *ovf = NULL;
    shadow_cell racy = racing_cell(t, cur, sg_cell(g, 0), SHADOW_INLINE, SHADOW_REGION_GRANULES, &ovf, mo);
    return racy || !ovf ? racy : chain_racing(t, cur, ovf, mo);
}

/*
 * After cur, an access by t of size bytes at addr, was stored: the other
 * threads' records of the inline cells that it may race with and that
 * replace themselves without looking while unmarked (sc_to_mark) are
 * tested and get the recheck mark (the store's first look may have read
 * an older value: one its owner replaced since without looking, which
 * only this look meets). A mark that loses to a change tests and marks
 * the new value. Seq_cst loads after the store: the mark
 * and the owner's compare-and-swap (replace_in_place) act
 * on the same cell, so whichever comes second sees the other's change,
 * and an access that replaces its record without looking either finds
 * no record it could race with, or is met here. And a plain read stored
 * beside another thread's unmarked atomic write marks itself: that
 * write's owner replaces it without looking, so would never mark the
 * read. One report at most.
 */
static CRACE_NOINLINE void mark_after_store(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size,
                                            shadow_cell cur, uintptr_t pc)
{
    bool reported = false, mark_own = false;
    for (int i = 0; i < SHADOW_INLINE; i++) {
        _Atomic shadow_cell *p = sg_cell(g, i);
        shadow_cell c = atomic_load_explicit(p, memory_order_seq_cst);
        while (sc_to_mark(cur, c, t->slot)) {
            if (!reported && !sc_happens_before(c, t) && sc_races(cur, c)) {
                report_race(t, addr, size, addr & ~(uintptr_t)7, cur, c, pc);
                reported = true;
            }
            if (c & SC_RECHECK_BIT)
                break; /* its owner looks at the granule next time, and marks cur if need be */
            mark_own |= sc_is_atomic(c) && sc_is_write(c) && !sc_is_write(cur);
            if (atomic_compare_exchange_strong(p, &c, c | SC_RECHECK_BIT))
                break;
        }
    }
    if (mark_own) {
        shadow_cell mine = cur;
        atomic_compare_exchange_strong((_Atomic shadow_cell *)((char *)g + t->own_cell), &mine,
                                       cur | SC_RECHECK_BIT);
    }
}

/* A chain of overflow blocks that replaced a cell since the first look
 * (records moved there meanwhile): the record cur races with, or 0. */
static CRACE_NOINLINE shadow_cell new_chain_racing(const crace_thread *t, shadow_cell cur, shadow_cell head)
{
    return chain_racing(t, cur, sc_to_ovf(head), memory_order_seq_cst);
}

/* After refresh_own, store_ordered or atomic_in_place stored cur:
 * another thread may have stored into another cell of the granule at the
 * same moment, each having seen the granule without the other's record
 * (two threads' first writes to a word, started together). Each looks
 * again once its own store is in: the compare-and-swap and the loads
 * after it are sequentially consistent, so at least one of the two sees
 * the other's record. Only cells that changed since seen[] was read need
 * a look: an unchanged one holds the record already checked. Records to
 * mark (mark_after_store): after a plain access, the atomic records of
 * other threads, one test for the three cells in the common case of
 * none; after a write, the reads stored meanwhile (the first look sent
 * the others to the general path). */
static inline __attribute__((always_inline)) void recheck_after_store(crace_thread *t, shadow_granule *g,
                                                                      uintptr_t addr, size_t size, shadow_cell cur,
                                                                      uintptr_t pc,
                                                                      const shadow_cell seen[SHADOW_INLINE])
{
    uint64_t all = 0;
    bool marks = false;
#pragma GCC unroll 3
    for (int i = 0; i < SHADOW_INLINE; i++) {
        shadow_cell c = atomic_load_explicit(sg_cell(g, i), memory_order_seq_cst);
        all |= c;
        if (CRACE_LIKELY(c == seen[i]) || c == cur || c == 0)
            continue;
        shadow_cell racy = c;
        if (CRACE_UNLIKELY(sc_is_ovf(c))) {
            racy = new_chain_racing(t, cur, c);
        } else {
            /* A read stored meanwhile beside this write: the first look
             * (refresh_own, store_ordered) passed such reads on to the
             * paths that mark them. */
            if (CRACE_UNLIKELY(sc_is_write(cur)))
                marks |= sc_read_beside_write(cur, c);
            if (sc_happens_before(c, t) || !sc_races(cur, c))
                continue;
        }
        if (racy) {
            report_race(t, addr, size, addr & ~(uintptr_t)7, cur, racy, pc);
            marks = true; /* the cells after it not looked at */
            break;
        }
    }
    /* An atomic record's bit; an overflow pointer has it clear (bit 1 of
     * an 8-byte aligned address). */
    if (CRACE_UNLIKELY((all & ~cur & SC_ATOMIC_BIT) || marks))
        mark_after_store(t, g, addr, size, cur, pc);
}

/*
 * A read in a granule with an overflow block: read-shared data (a write,
 * then more readers than fit inline), such as a loop bound that main
 * wrote and several threads read in every epoch, or a mutex that several
 * threads lock (each lock reads it atomically). The common case is a
 * thread refreshing its own earlier read. A read races only with a write
 * (an atomic read with a plain one), so the other threads' reads are
 * passed over without comparing clocks; each write must happen before the
 * read (or touch other bytes, or be atomic beside an atomic read),
 * and the thread's first earlier read that this one subsumes is replaced
 * (any further one dropped), as the general scan would. True when done;
 * false, with nothing changed, sends the access to the general scan: a
 * write it may race with, a record of its own epoch (covered, or to widen),
 * no earlier read of its own, a compare-and-swap that fails. Measured:
 * about a third of the general scan's instructions for such a read.
 */
struct refresh {
    shadow_cell cur;
    const crace_thread *t;
    uint32_t self;
    _Atomic shadow_cell *replace; /* the first earlier read of ours cur subsumes */
    shadow_cell replace_was;
    shadow_ovf *ovf;
    bool marks; /* an atomic write that may need the recheck mark was met (mark_after_store) */
};

/* refresh_shared_read over n cells, stride apart. False: give up. */
static inline __attribute__((always_inline)) bool refresh_cells(struct refresh *r, _Atomic shadow_cell *cells, int n,
                                                                size_t stride)
{
    const uint64_t epoch_bits = ~(uint64_t)(0xff | SC_WRITE_BIT | SC_ATOMIC_BIT);
    for (int i = 0; i < n; i++) {
        _Atomic shadow_cell *p = &cells[(size_t)i * stride];
        shadow_cell c = atomic_load_explicit(p, memory_order_relaxed);
        if (c == 0)
            continue;
        if (sc_is_ovf(c)) {
            r->ovf = ovf_at(p);
            continue;
        }
        uint32_t s = sc_slot(c);
        if (sc_is_write(c)) {
            r->marks |= sc_to_mark(r->cur, c, r->self);
            if (s == r->self ? ((c ^ r->cur) & epoch_bits) == 0
                             : !sc_happens_before(c, r->t) && sc_races(r->cur, c))
                return false; /* a race, or this epoch's write (it covers) */
        } else if (s == r->self) {
            if (((c ^ r->cur) & epoch_bits) == 0)
                return false; /* this epoch's read: covered, or to widen */
            if (!sc_subsumes(r->cur, c))
                continue;
            if (!r->replace) {
                r->replace = p;
                r->replace_was = c;
            } else {
                atomic_compare_exchange_strong(p, &c, 0);
            }
        }
    }
    return true;
}

static bool refresh_shared_read(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size, shadow_cell cur,
                                shadow_cell head, uintptr_t pc)
{
    struct refresh r = {.cur = cur, .t = t, .self = t->slot};
    if (!refresh_cells(&r, sg_cell(g, 0), SHADOW_INLINE, SHADOW_REGION_GRANULES))
        return false;
    for (shadow_ovf *o = r.ovf; o; o = atomic_load_explicit(&o->next, memory_order_acquire))
        if (!refresh_cells(&r, o->cell, SHADOW_OVF_CELLS, 1))
            return false;
    if (!r.replace || !atomic_compare_exchange_strong(r.replace, &r.replace_was, cur))
        return false;
    ovf_hint_set(t, g, head, r.replace);
    if (r.marks)
        mark_after_store(t, g, addr, size, cur, pc);
    return true;
}

/* An access to read-shared data (head: the granule's overflow block):
 * this thread's record of this epoch, where it was last seen, settles it
 * without walking the chain; a read goes on to refresh_shared_read. True
 * when done. */
static bool shared_access(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size, shadow_cell cur,
                          shadow_cell head, uintptr_t pc, bool log)
{
    const struct crace_ovf_hint *h = ovf_hint(t, g);
    if (h->g == g && h->head == head && sc_covers_same_epoch(atomic_load_explicit(h->cell, memory_order_relaxed), cur))
        return true;
    if (sc_is_write(cur) || !refresh_shared_read(t, g, addr, size, cur, head, pc))
        return false;
    t->used_clock = sc_clock(cur);
    if (log)
        crace_hist_put_access(t, addr, size, false, sc_is_atomic(cur), pc);
    return true;
}

/* Everything store_ordered leaves: a record that may race with this
 * access, an overflow block, no room. An access some cell records
 * already (an overflow cell: the fast path reads only the inline ones)
 * has nothing to store or report: read-shared data (a write, then reads
 * by more threads than fit inline) stays read-only after its first
 * reads, and a race with it was found when that record was stored. */
static CRACE_NOINLINE void access_general(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size,
                                          shadow_cell cur, uintptr_t pc, bool log)
{
    /* A new record goes to the thread's own cell when that is free, where
     * its next accesses look first (crace_own_cell). */
    _Atomic shadow_cell *own = (_Atomic shadow_cell *)((char *)g + t->own_cell);
    struct scan sc;
    _Atomic shadow_cell *stored = NULL; /* NULL: recorded already */
    shadow_cell racy = 0;               /* the first an attempt met */
    for (;;) {
        /* Freed memory (shadow.h), before anything reads its marks as
         * records. store_ordered never stores there: the mark in cell 0
         * is a plain write of every byte by a slot no thread's clock
         * covers, which any access races with. The access is reported,
         * not recorded. */
        if (CRACE_UNLIKELY(sc_is_freed(atomic_load_explicit(sg_cell(g, 0), memory_order_relaxed)))) {
            freed_use(t, g, addr, size, cur, pc);
            return;
        }
        shadow_cell head = atomic_load_explicit(sg_cell(g, SHADOW_OVF_SLOT), memory_order_relaxed);
        if (sc_is_ovf(head) && shared_access(t, g, addr, size, cur, head, pc, log))
            break;
        sc = (struct scan){.cur = cur, .t = t};
        scan_cells(&sc, sg_cell(g, 0), SHADOW_INLINE, SHADOW_REGION_GRANULES);
        if (sc.empty && atomic_load_explicit(own, memory_order_relaxed) == 0)
            sc.empty = own;
        shadow_ovf *last = NULL;
        for (shadow_ovf *o = sc.ovf; o; o = atomic_load_explicit(&o->next, memory_order_acquire)) {
            scan_cells(&sc, o->cell, SHADOW_OVF_CELLS, 1);
            last = o;
        }
        if (!racy)
            racy = sc.racy;
        if (sc.covered) {
            ovf_hint_set(t, g, head, sc.covered_at);
            break;
        }
        stored = store_cell(g, &sc, last);
        if (stored)
            break;
        /* Another thread changed the granule since the scan: it took the
         * cell chosen here, moved a record out to an overflow block, or
         * chained one. A thread touching other bytes of the granule
         * (another variable of the word) does that without any race, so
         * the record is not dropped but stored where the granule has
         * room now: a write lost this way let a later unordered read of
         * it pass (an atomic beside a plain variable, two other threads
         * reading the atomic as the write was stored). Every lost
         * attempt is another thread's change made: no livelock. */
    }
    if (stored) {
        ovf_hint_set(t, g, atomic_load_explicit(sg_cell(g, SHADOW_OVF_SLOT), memory_order_relaxed), stored);
        t->used_clock = sc_clock(cur);
        if (log)
            crace_hist_put_access(t, addr, size, sc_is_write(cur), sc_is_atomic(cur), pc);
    }
    if (CRACE_UNLIKELY(racy))
        report_race(t, addr, size, addr & ~(uintptr_t)7, cur, racy, pc);
    if (!stored)
        return;
    if (sc.marks)
        mark_after_store(t, g, addr, size, cur, pc);
    if (sc_is_atomic(cur) && stored == own && !racy) {
        /* The thread's next atomic accesses will replace this record
         * without looking (replace_in_place): one more look now, at every
         * record, for a plain one stored while this one was. */
        shadow_cell late = granule_racing(t, cur, g, memory_order_seq_cst);
        if (late)
            report_race(t, addr, size, addr & ~(uintptr_t)7, cur, late, pc);
    }
}

/*
 * The commonest miss replace_in_place leaves: the thread's own cell holds
 * old, its record of the same bytes and kind from an earlier epoch (a
 * counter written again under its lock, a read whose record another
 * thread's write marked). cur replaces it exactly, so the other inline
 * cells need only the race test: a record that may race sends the access
 * to store_ordered, as does an overflow block, and so does any record
 * store_ordered would drop: another of the thread's own, which cur may
 * subsume, or another thread's that cur, a write, subsumes (a later
 * report then names the latest write, not an older access it covers),
 * and another thread's read beside a write, which the general path marks
 * (mark_after_store). Other threads' reads stay beside a read, as
 * store_ordered leaves them. A read of a pointer in every epoch took
 * about 130 instructions this way, against 220 through store_ordered and
 * its recheck. False, with nothing changed: not this case, or the
 * compare-and-swap lost to another thread's store. v gets the cells as
 * seen.
 */
static inline __attribute__((always_inline)) bool refresh_own(crace_thread *t, shadow_granule *g,
                                                             _Atomic shadow_cell *own, shadow_cell old, shadow_cell cur,
                                                             shadow_cell v[SHADOW_INLINE])
{
    uint32_t self = t->slot;
#pragma GCC unroll 3
    for (int i = 0; i < SHADOW_INLINE; i++) {
        _Atomic shadow_cell *p = sg_cell(g, i);
        if (p == own) {
            v[i] = old;
            continue;
        }
        /* An empty cell races with nothing: it has no bytes. */
        shadow_cell c = v[i] = atomic_load_explicit(p, memory_order_relaxed);
        if ((i == SHADOW_OVF_SLOT && sc_is_ovf(c)) ||
            (c != 0 && (sc_slot(c) == self ||
                        (sc_is_write(cur) && (sc_subsumes(cur, c) || sc_read_beside_write(cur, c))))) ||
            (sc_races(cur, c) && !sc_happens_before(c, t)))
            return false;
    }
    return atomic_compare_exchange_strong(own, &old, cur);
}

/*
 * The records that replace themselves without looking at the other
 * cells: cur, an atomic access or a plain read in a new epoch, whose
 * thread's own cell (own) holds old, its record of the same bytes and
 * kind without the recheck mark (an atomic updated again and again, a
 * pointer, a loop bound or a table read after each lock or atomic). One
 * compare-and-swap, where reading the other cells would take lines the
 * other threads keep rewriting (the atomics benchmark ran 1.3x slower).
 * Every record that may race with cur was in the granule when old's
 * first record was stored, by a path that looked at the whole granule
 * (and looked again once its store was in, and marked a read beside
 * another thread's atomic write, which replaces itself this way), or was
 * stored since, and its thread then marked old or met cur
 * (mark_after_store). A plain write is not one of them: the reads stored
 * after it do not mark it. True when cur is stored.
 */
static inline __attribute__((always_inline)) bool replace_in_place(_Atomic shadow_cell *own, shadow_cell old,
                                                                  shadow_cell cur)
{
    const uint64_t exact = SC_SAME_RECORD | SC_RECHECK_BIT;
    bool marked_kind = (cur & SC_ATOMIC_BIT) || !(cur & SC_WRITE_BIT);
    return marked_kind && ((old ^ cur) & exact) == 0 && atomic_compare_exchange_strong(own, &old, cur);
}

/* What follows a store of cur by refresh_own or store_ordered. */
static inline __attribute__((always_inline)) void after_store(crace_thread *t, shadow_granule *g, uintptr_t addr,
                                                              size_t size, shadow_cell cur, uintptr_t pc, bool log,
                                                              const shadow_cell seen[SHADOW_INLINE])
{
    t->used_clock = sc_clock(cur);
    if (log)
        crace_hist_put_cell_access(t, addr, size, cur, pc);
    recheck_after_store(t, g, addr, size, cur, pc, seen);
}

/* crace_access_slow past refresh_own: kept out of line, so that the
 * common case saves no more registers than it uses. */
static CRACE_NOINLINE void access_store(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size,
                                        shadow_cell cur, uintptr_t pc, bool log)
{
    shadow_cell seen[SHADOW_INLINE];
    if (!store_ordered(t, g, cur, seen))
        access_general(t, g, addr, size, cur, pc, log);
    else
        after_store(t, g, addr, size, cur, pc, log, seen);
}

/* crace_access_slow's body, also inlined into crace_access_miss, the
 * fast path's call: one call level less for every miss there. */
static inline __attribute__((always_inline)) void access_slow(crace_thread *t, shadow_granule *g, uintptr_t addr,
                                                              size_t size, shadow_cell cur, uintptr_t pc, bool log)
{
    /* The commonest misses first: the thread's own cell holds its record
     * of the same bytes and kind from an earlier epoch (everything but
     * the clock and the recheck mark equal). */
    _Atomic shadow_cell *own = (_Atomic shadow_cell *)((char *)g + t->own_cell);
    shadow_cell old = atomic_load_explicit(own, memory_order_relaxed);
    shadow_cell seen[SHADOW_INLINE];
    if (CRACE_LIKELY(((old ^ cur) & SC_SAME_RECORD) == 0)) {
        if (replace_in_place(own, old, cur)) {
            t->used_clock = sc_clock(cur);
            if (log)
                crace_hist_put_cell_access(t, addr, size, cur, pc);
            return;
        }
        if (CRACE_LIKELY(refresh_own(t, g, own, old, cur, seen))) {
            after_store(t, g, addr, size, cur, pc, log, seen);
            return;
        }
    }
    access_store(t, g, addr, size, cur, pc, log);
}

void crace_access_slow(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size,
                       shadow_cell cur, uintptr_t pc, bool log)
{
    access_slow(t, g, addr, size, cur, pc, log);
}

CRACE_EXPORT const char CRACE_FAST_ABI_SYMBOL = 1;

/* Under crace_busy, as crace_access: the overflow pool and the history
 * ring are the thread's own. */
CRACE_EXPORT void crace_access_miss(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size, shadow_cell cur,
                                    uintptr_t pc)
{
    if (CRACE_UNLIKELY(t->ignore || sc_slot(cur) == SC_RESERVED_SLOT)) {
        crace_access_entry_slow(addr, size, sc_is_write(cur), sc_is_atomic(cur), pc);
        return;
    }
    crace_busy++;
    access_slow(t, g, addr, size, cur, pc, true);
    crace_busy--;
}

CRACE_EXPORT CRACE_NOINLINE void crace_access_entry_slow(uintptr_t addr, size_t size, bool is_write, bool is_atomic,
                                            uintptr_t pc)
{
    crace_thread *t = crace_thr_hook();
    if (CRACE_UNLIKELY(!t))
        return;
    /* Called from the program's code: a safe point for a signal deferred
     * while the thread was inside the detector. */
    if (CRACE_UNLIKELY(t->ignore & CRACE_IGNORE_SIGNAL))
        crace_signal_poll(t, pc);
    if (crace_ignoring(t))
        return;
    if ((addr & 7) + size > 8) {
        crace_access(t, addr, size, is_write, is_atomic, pc);
        return;
    }
    /* Within one granule, the common case: straight to its check, under
     * crace_busy as crace_access would (its loop is for the others). */
    crace_busy++;
    crace_access_granule(t, addr, size, is_write, is_atomic, pc);
    crace_busy--;
}

/* Under crace_busy: the shadow overflow pool and the history ring are the
 * thread's own, and a signal handler's accesses must not interleave. */
void crace_access(crace_thread *t, uintptr_t addr, size_t size, bool is_write, bool is_atomic, uintptr_t pc)
{
    if (crace_ignoring(t))
        return;
    crace_busy++;
    uintptr_t end = addr + size;
    while (addr < end) {
        size_t in_granule = SHADOW_GRANULE - (addr & 7);
        size_t n = end - addr < in_granule ? end - addr : in_granule;
        crace_access_granule(t, addr, n, is_write, is_atomic, pc);
        addr += n;
    }
    crace_busy--;
}

/*
 * An atomic operation's own record, without the general scan. Each
 * release starts a new epoch, so an atomic that is released again and
 * again never matches a cell of the current epoch and would always take
 * crace_access_slow, comparing each cell's clock with the thread's. But an
 * atomic access races with none of those (atomics do not race with each
 * other): it only has to be recorded, for a later plain access to be
 * checked against, and checked against the plain records stored since
 * its thread last looked.
 *
 * The common case, first: the thread's own cell holds its record of the
 * same bytes and kind without the recheck mark. Every plain record that
 * may race with this access was then either in the granule when that
 * record was stored, by a path that looked at the whole granule (and
 * happens before it, or was reported), or stored since, and its thread
 * then marked the record (mark_after_store) or met this access: the record is
 * replaced without reading the other cells, which other threads keep
 * writing (two threads' atomics on one variable would take each other's
 * lines of the shadow at every operation: the atomics benchmark ran
 * 1.3x slower).
 *
 * Otherwise, when every inline cell is empty, atomic or a plain write
 * ordered before this access, the record goes,
 * in order of preference, over this thread's own earlier access to the
 * same bytes (of the same or a weaker kind), into an empty cell (the
 * thread's own plane first), or over another thread's access that this
 * one subsumes and happens after (the other side of two threads'
 * acquire-release RMWs of one variable, whose release this one just
 * acquired). An empty cell before another thread's record: two threads
 * adding to one counter keep a cell each, each rewritten by its owner,
 * where one cell taken in turn ran the atomics benchmark 1.7x slower; and
 * without the last choice two threads' RMWs of two counters sharing a
 * granule left four records, one more than fits inline. A record stored
 * in the thread's own cell is followed by a second look (the common case
 * will rely on it). Anything else (a plain access, an overflow block, an
 * access crossing a granule) takes the general path. True when done.
 */
static bool atomic_in_place(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc)
{
    shadow_granule *g = shadow_get(addr);
    if (CRACE_UNLIKELY(!g))
        return false;
    unsigned mask = size == 8 ? 0xff : (uint8_t)~CRACE_FILL[size][addr & 7];
    shadow_cell cur = sc_make(t->epoch, mask, is_write, true);
    int own = (int)(t->own_cell / SHADOW_PLANE_BYTES);
    shadow_cell o = atomic_load_explicit(sg_cell(g, own), memory_order_relaxed);
    if (o == cur)
        return true; /* recorded already, this epoch */
    if (CRACE_LIKELY(replace_in_place(sg_cell(g, own), o, cur))) {
        t->used_clock = sc_clock(cur);
        crace_hist_put_access(t, addr, size, is_write, true, pc);
        return true;
    }
    /* The bits a cell of this thread's own earlier access must share with
     * cur: slot, bytes, atomicity, and for a read the write bit (a read
     * does not replace a write). */
    const uint64_t same = ((uint64_t)(SC_MAX_SLOTS - 1) << SC_SLOT_SHIFT) | 0xff | SC_ATOMIC_BIT |
                          (is_write ? 0 : SC_WRITE_BIT);
    shadow_cell c[SHADOW_INLINE];
    int mine = -1;
#pragma GCC unroll 3
    for (int i = 0; i < SHADOW_INLINE; i++) {
        c[i] = atomic_load_explicit(sg_cell(g, i), memory_order_relaxed);
        if (c[i] == 0)
            continue;
        /* A plain access, or an overflow pointer (its atomic bit is bit 1
         * of an 8-byte aligned address: 0). A plain write this access is
         * ordered after stays and is passed over: it cannot race with
         * the access, and its owner looks at the whole granule before it
         * replaces it (a variable initialised and published with an
         * atomic store by one thread, whose two records took the cell
         * of the thread reading it atomically, sent every read the
         * general way: about 260 instructions more each). */
        if (!(c[i] & SC_ATOMIC_BIT)) {
            /* More records than fit inline: as any read of read-shared
             * data, straight away (through the general path's failed
             * attempts first, an atomic load by each of 8 threads in
             * every epoch took about 550 instructions). */
            if (i == SHADOW_OVF_SLOT && sc_is_ovf(c[i]) && !is_write)
                return shared_access(t, g, addr, size, cur, c[i], pc, true);
            if (sc_is_write(c[i]) && sc_happens_before(c[i], t))
                continue;
            return false;
        }
        if (c[i] == cur)
            return true; /* recorded already, this epoch */
        if (mine < 0 && ((c[i] ^ cur) & same) == 0)
            mine = i;
    }
    if (mine < 0 && c[own] == 0)
        mine = own;
    for (int i = 0; mine < 0 && i < SHADOW_INLINE; i++)
        if (c[i] == 0)
            mine = i;
    for (int i = 0; mine < 0 && i < SHADOW_INLINE; i++)
        if (sc_subsumes(cur, c[i]) && sc_happens_before(c[i], t))
            mine = i;
    /* A lost race with another thread's update of the granule leaves it
     * to the general path, which copes with any state. */
    shadow_cell seen = c[mine < 0 ? 0 : mine];
    if (mine < 0 || !atomic_compare_exchange_strong(sg_cell(g, mine), &seen, cur))
        return false;
    t->used_clock = sc_clock(cur);
    crace_hist_put_access(t, addr, size, is_write, true, pc);
    recheck_after_store(t, g, addr, size, cur, pc, c);
    return true;
}

/* Under crace_busy, as crace_access (its caller, tsan_atomic.c, holds
 * it across the access and the clock operation). */
void crace_access_atomic(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc)
{
    if (crace_ignoring(t))
        return;
    if ((addr & 7) + size <= 8 && atomic_in_place(t, addr, size, is_write, pc))
        return;
    crace_access(t, addr, size, is_write, true, pc);
}

/* One granule of a range: like crace_access_granule, without the history
 * event. True when the shadow changed (the range chunk must be logged). */
static bool range_granule(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc)
{
    shadow_granule *g = shadow_get(addr);
    if (!g)
        return false;
    unsigned mask = ((1u << size) - 1) << (addr & 7);
    shadow_cell cur = sc_make(t->epoch, mask, is_write, false);
    for (int i = 0; i < SHADOW_INLINE; i++)
        if (sc_covers_same_epoch(atomic_load_explicit(sg_cell(g, i), memory_order_relaxed), cur))
            return false;
    crace_access_slow(t, g, addr, size, cur, pc, false);
    return true;
}

void crace_report_race(crace_thread *t, uintptr_t addr, size_t size, shadow_cell cur, shadow_cell old, uintptr_t pc)
{
    crace_busy++;
    report_race(t, addr, size, addr & ~(uintptr_t)7, cur, old, pc);
    crace_busy--;
}

/* The granule of an access of size bytes at addr (within one granule),
 * when its shadow is mapped: memory without has no record. */
static shadow_granule *granule_if_mapped(uintptr_t addr, size_t size)
{
    if ((addr & 7) + size > 8 || addr >> SHADOW_ADDR_BITS)
        return NULL;
    shadow_granule *r = atomic_load_explicit(&crace_shadow_dir[addr >> SHADOW_REGION_SHIFT], memory_order_acquire);
    return r ? r + ((addr & (SHADOW_REGION_SIZE - 1)) / SHADOW_GRANULE) : NULL;
}

/* cur, an access of size bytes at addr by t at pc, in granule g: when g
 * holds the freed marks, the use of freed memory is reported and true
 * returned. */
static bool report_if_freed(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size, shadow_cell cur,
                            uintptr_t pc)
{
    if (CRACE_LIKELY(!sc_is_freed(atomic_load_explicit(sg_cell(g, 0), memory_order_relaxed))))
        return false;
    crace_busy++;
    freed_use(t, g, addr, size, cur, pc);
    crace_busy--;
    return true;
}

bool crace_access_freed(crace_thread *t, uintptr_t addr, size_t size, bool is_write, bool is_atomic, uintptr_t pc)
{
    shadow_granule *g = crace_ignoring(t) ? NULL : granule_if_mapped(addr, size);
    return g && report_if_freed(t, g, addr, size,
                                sc_make(t->epoch, ((1u << size) - 1) << (addr & 7), is_write, is_atomic), pc);
}

/* Checks an access of size bytes at addr (within one granule) against
 * the shadow and reports a race, without recording it. */
static void check_granule(crace_thread *t, uintptr_t addr, size_t size, bool is_write, bool is_atomic, uintptr_t pc)
{
    shadow_granule *g = granule_if_mapped(addr, size);
    if (!g)
        return;
    shadow_cell cur = sc_make(t->epoch, ((1u << size) - 1) << (addr & 7), is_write, is_atomic);
    if (report_if_freed(t, g, addr, size, cur, pc))
        return;
    shadow_cell racy = granule_racing(t, cur, g, memory_order_relaxed);
    if (CRACE_UNLIKELY(racy))
        crace_report_race(t, addr, size, cur, racy, pc);
}

/* The first address of [addr, end) whose granule's record in the
 * thread's own cell does not cover the access (as the fast path checks
 * it: this epoch, these bytes, the kind); end when all do. Such granules
 * need nothing, no record and no history event: a block filled and then
 * freed, or a buffer copied into again, by one thread between two of its
 * synchronisations. A region is looked up once, its cells walked in
 * order. */
static uintptr_t range_skip_covered(const crace_thread *t, uintptr_t addr, uintptr_t end, bool is_write)
{
    shadow_cell want = sc_make(__atomic_load_n(&t->want, __ATOMIC_RELAXED), 0, is_write, false);
    while (addr < end && !(addr >> SHADOW_ADDR_BITS)) {
        shadow_granule *r =
            atomic_load_explicit(&crace_shadow_dir[addr >> SHADOW_REGION_SHIFT], memory_order_acquire);
        if (!r)
            return addr;
        uintptr_t region_end = (addr | (SHADOW_REGION_SIZE - 1)) + 1;
        uintptr_t stop = end < region_end ? end : region_end;
        _Atomic shadow_cell *own =
            (_Atomic shadow_cell *)((char *)(r + ((addr & (SHADOW_REGION_SIZE - 1)) / SHADOW_GRANULE)) + t->own_cell);
        /* A partial granule, whole ones (nothing to fill), a partial one. */
        unsigned off = addr & 7;
        if (off) {
            size_t n = stop - addr < SHADOW_GRANULE - off ? stop - addr : SHADOW_GRANULE - off;
            if (!sc_covers_fast(atomic_load_explicit(own++, memory_order_relaxed), want,
                                (uint8_t)~(((1u << n) - 1) << off), is_write))
                return addr;
            addr += n;
        }
        size_t full = (stop - addr) / SHADOW_GRANULE;
        for (size_t i = 0; i < full; i++)
            if (!sc_covers_fast(atomic_load_explicit(&own[i], memory_order_relaxed), want, 0, is_write))
                return addr + i * SHADOW_GRANULE;
        addr += full * SHADOW_GRANULE;
        own += full;
        if (addr < stop) {
            if (!sc_covers_fast(atomic_load_explicit(own, memory_order_relaxed), want,
                                (uint8_t)~((1u << (stop - addr)) - 1), is_write))
                return addr;
            addr = stop;
        }
    }
    return addr < end ? addr : end;
}

/* A range logs one history event per chunk of HIST_MAX_ACCESS_SIZE bytes
 * that changed the shadow, not one per granule: a memcpy or a free of a
 * big block must not flush the whole ring. */
void crace_access_range(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc)
{
    if (crace_ignoring(t))
        return;
    crace_busy++;
    uintptr_t end = addr + size;
    addr = range_skip_covered(t, addr, end, is_write);
    while (addr < end) {
        uintptr_t chunk_end = end - addr > HIST_MAX_ACCESS_SIZE ? addr + HIST_MAX_ACCESS_SIZE : end;
        uintptr_t chunk = addr;
        bool changed = false;
        while (addr < chunk_end) {
            size_t in_granule = SHADOW_GRANULE - (addr & 7);
            size_t n = chunk_end - addr < in_granule ? chunk_end - addr : in_granule;
            changed |= range_granule(t, addr, n, is_write, pc);
            addr += n;
        }
        if (changed)
            crace_hist_put_access(t, chunk, chunk_end - chunk, is_write, false, pc);
    }
    crace_busy--;
}

void crace_access_range_touched(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc)
{
    uintptr_t end = addr + size, stop;
    for (uintptr_t at = shadow_next_recorded(addr, end, &stop); at < end; at = shadow_next_recorded(stop, end, &stop)) {
        if (at < addr)
            at = addr; /* the granule holding addr */
        if (stop > end)
            stop = end;
        crace_access_range(t, at, stop - at, is_write, pc);
    }
}

void crace_access_range_check(crace_thread *t, uintptr_t addr, size_t size, bool is_write, uintptr_t pc)
{
    if (crace_ignoring(t))
        return;
    crace_busy++;
    uintptr_t end = addr + size;
    for (addr = range_skip_covered(t, addr, end, is_write); addr < end;) {
        size_t in_granule = SHADOW_GRANULE - (addr & 7);
        size_t n = end - addr < in_granule ? end - addr : in_granule;
        check_granule(t, addr, n, is_write, false, pc);
        addr += n;
    }
    crace_busy--;
}

void crace_check_range(crace_thread *t, const void *p, size_t n, bool is_write, uintptr_t pc)
{
    if (n == 0 || p == NULL)
        return;
    int e = errno;
    t->in_shim++;
    crace_access_range(t, (uintptr_t)p, n, is_write, pc);
    t->in_shim--;
    errno = e;
}

/* Whether the stack at pc is the shadow stack under pc: an instrumented
 * caller with frames. Otherwise (an uninstrumented caller, or frames of
 * it between the shadow stack and pc) it must be unwound for real. */
static bool shadow_stack_holds(const crace_thread *t, uintptr_t pc)
{
    return t->depth != 0 && (!pc || crace_pc_instrumented(pc));
}

/* Unwinds for real; the shim's own frames are left out when the report
 * is rendered. */
static size_t unwound_pcs(crace_thread *t, uintptr_t *out, size_t max)
{
    t->in_shim++;
    int e = errno; /* libunwind's probes of memory may set it */
    size_t n = gc_unwind(out, max, 1);
    errno = e;
    t->in_shim--;
    return n;
}

/* pc, then the shadow stack's frames, innermost first. */
static size_t shadow_pcs(const crace_thread *t, uintptr_t pc, uintptr_t *out, size_t max)
{
    size_t n = 0;
    if (pc && n < max)
        out[n++] = pc;
    for (uint32_t k = t->depth; k > 0 && n < max; k--)
        out[n++] = t->shstack[k - 1];
    return n;
}

size_t crace_current_pcs(crace_thread *t, uintptr_t pc, uintptr_t *out, size_t max)
{
    return shadow_stack_holds(t, pc) ? shadow_pcs(t, pc, out, max) : unwound_pcs(t, out, max);
}

/* t's cached stack for pc: two call sites a few bytes apart (a lock and
 * the next one) get entries of their own. */
static struct crace_last_stack *last_stack_of(crace_thread *t, uintptr_t pc)
{
    return &t->last_stacks[(pc ^ pc >> 3 ^ pc >> 6) % CRACE_LAST_STACKS];
}

/* Is the stack at pc the one e names? Then pc was found instrumented
 * before, and the frames under it are the same. */
static bool last_stack_is(const struct crace_last_stack *e, const crace_thread *t, uintptr_t pc)
{
    uint32_t d = t->depth;
    if (pc != e->pc || d != e->depth)
        return false;
    for (uint32_t k = 0; k < d; k++)
        if (t->shstack[k] != e->frames[k])
            return false;
    return true;
}

stack_id crace_current_stack(crace_thread *t, uintptr_t pc)
{
    uintptr_t pcs[STACK_MAX_FRAMES];
    /* A signal handler's interceptor must not look at t's cache while it
     * is half compared or half written: handlers wait. */
    t->in_shim++;
    struct crace_last_stack *e = last_stack_of(t, pc);
    stack_id id;
    if (pc && last_stack_is(e, t, pc)) {
        id = e->id;
    } else if (!shadow_stack_holds(t, pc)) {
        id = depot_put(pcs, unwound_pcs(t, pcs, STACK_MAX_FRAMES));
    } else {
        id = depot_put(pcs, shadow_pcs(t, pc, pcs, STACK_MAX_FRAMES));
        if (pc && t->depth <= CRACE_LAST_STACK_FRAMES) {
            for (uint32_t k = 0; k < t->depth; k++)
                e->frames[k] = t->shstack[k];
            e->depth = t->depth;
            e->pc = pc;
            e->id = id;
        }
    }
    t->in_shim--;
    return id;
}

static void fill_goroutine(struct report_goroutine *g, uint64_t gid, bool finished, bool known, stack_id creation)
{
    g->gid = gid;
    g->finished = finished;
    g->known = known;
    g->creation = creation;
}

/* Locations already reported racy, by the first byte both accesses
 * touch: like Go and ThreadSanitizer (suppress_equal_addresses), one
 * report per racy location, so `x++` racing (a read and a write) is one
 * report, not two; a race on another variable that shares the 8-byte
 * granule is another location, reported too. */
#define RACY_LOCATIONS 1024
static _Atomic uintptr_t racy_locations[RACY_LOCATIONS];

static bool location_reported(uintptr_t addr)
{
    size_t h = (size_t)((addr >> 3) * 0x9e3779b97f4a7c15ull >> 54) % RACY_LOCATIONS;
    for (size_t i = 0; i < RACY_LOCATIONS; i++) {
        _Atomic uintptr_t *p = &racy_locations[(h + i) % RACY_LOCATIONS];
        uintptr_t v = atomic_load(p);
        if (v == addr)
            return true;
        if (v == 0) {
            uintptr_t zero = 0;
            if (atomic_compare_exchange_strong(p, &zero, addr))
                return false;
            if (zero == addr)
                return true;
        }
    }
    return false; /* table full: report (duplicates are still caught by pc pair) */
}

/* Has this thread met the pair of its pc and the other side's record
 * before (reported, or found reported), at addr or at SEEN_ADDRS other
 * addresses? Remembers it. */
static bool seen_before(uintptr_t pc, shadow_cell other, uintptr_t addr)
{
    unsigned k = (unsigned)((pc ^ other ^ (other >> 29)) % SEEN_RACES);
    if (seen[k].pc == pc && seen[k].other == other) {
        if (seen[k].addr == addr || seen[k].addrs >= SEEN_ADDRS)
            return true;
        seen[k].addr = addr;
        seen[k].addrs++;
        return false;
    }
    seen[k].pc = pc;
    seen[k].other = other;
    seen[k].addr = addr;
    seen[k].addrs = 1;
    return false;
}

/* Builds and emits a report of kind: cur, an access of size bytes at addr
 * by t at pc, and old, the record it met in the granule at granule (first:
 * the first byte both touch); is_free: old is the write of a free. */
static void report_pair(crace_thread *t, enum report_kind kind, uintptr_t addr, size_t size, uintptr_t granule,
                        uintptr_t first, shadow_cell cur, shadow_cell old, bool is_free, uintptr_t pc)
{
    unsigned both = sc_mask(old) & sc_mask(cur);
    int saved_errno = errno; /* the program's, whatever libdw and the output do */
    t->in_shim++;
    t->ignore++;
    report_build_begin();
    struct report *r = crace_alloc(sizeof(*r));
    r->kind = kind;

    struct report_access *a = &r->access[0];
    a->addr = addr;
    a->size = size;
    a->is_write = sc_is_write(cur);
    a->is_atomic = sc_is_atomic(cur);
    a->gid = t->gid;
    a->stack.n = crace_current_pcs(t, pc, a->stack.pcs, STACK_MAX_FRAMES);

    /* The previous access: its first byte that overlaps ours. */
    struct report_access *b = &r->access[1];
    b->addr = first;
    b->size = (size_t)__builtin_popcount(sc_mask(old));
    b->is_write = sc_is_write(old);
    b->is_atomic = sc_is_atomic(old);
    b->is_free = is_free;
    uint64_t gid = 0;
    stack_id creation = 0;
    bool finished = true;
    bool known = crace_slot_owner(sc_slot(old), sc_clock(old), &gid, &creation, &finished);
    b->gid = gid;
    /* The bytes both touch, not the whole record: a thread's accesses in
     * one epoch to other bytes of the granule widen its record, and the
     * last of them need not be the one that races. */
    b->stack.n = crace_slot_restore(sc_slot(old), sc_clock(old), granule, both ? both : sc_mask(old), b->is_write,
                                    b->is_atomic, b->stack.pcs, STACK_MAX_FRAMES);
    b->stack.restore_failed = b->stack.n == 0;

    fill_goroutine(&r->goroutine[0], t->gid, false, true, t->creation_stack);
    fill_goroutine(&r->goroutine[1], gid, finished, known, creation);
    r->n_goroutines = 2;
    report_describe_location(r, addr);
    report_emit(r);
    crace_free(r);
    report_build_end();
    t->ignore--;
    t->in_shim--;
    errno = saved_errno;
}

/* Keeps the report of cur against old for crace_reports_flush while
 * t->reports_wait is set (thread.h); true when kept. One per access:
 * every path reports one race at most. */
static bool report_held(crace_thread *t, uintptr_t addr, size_t size, shadow_cell cur, shadow_cell old,
                        uintptr_t pc, bool freed)
{
    if (CRACE_LIKELY(!t->reports_wait))
        return false;
    if (!t->held_report.valid)
        t->held_report = (struct crace_held_report){true, freed, addr, size, pc, cur, old};
    return true;
}

static void freed_report(crace_thread *t, uintptr_t addr, size_t size, shadow_cell cur, shadow_cell old,
                         uintptr_t pc);

void crace_reports_flush(crace_thread *t)
{
    struct crace_held_report h = t->held_report;
    t->held_report.valid = false;
    if (!h.valid)
        return;
    if (h.freed)
        freed_report(t, h.addr, h.size, h.cur, h.old, h.pc);
    else
        report_race(t, h.addr, h.size, h.addr & ~(uintptr_t)7, h.cur, h.old, h.pc);
}

static void report_race(crace_thread *t, uintptr_t addr, size_t size, uintptr_t granule, shadow_cell cur,
                        shadow_cell old, uintptr_t pc)
{
    if (report_held(t, addr, size, cur, old, pc, false))
        return;
    old &= ~SC_RECHECK_BIT; /* the same record, reported once */
    /* A freed mark is no record: met here only when a free marked the
     * granule while this access was being checked. */
    if (sc_is_freed(old) || seen_before(pc, old, addr))
        return;
    if (!crace_opts.report_atomic_races && (sc_is_atomic(cur) || sc_is_atomic(old)))
        return;
    /* The first byte both touch: races on other variables of the granule
     * are other locations. */
    unsigned both = sc_mask(old) & sc_mask(cur);
    uintptr_t first = granule + (unsigned)__builtin_ctz(both ? both : sc_mask(old));
    if (suppress_benign(first) || location_reported(first))
        return;
    report_pair(t, REPORT_DATA_RACE, addr, size, granule, first, cur, old, false, pc);
}

/* The access cur, of size bytes at addr by t at pc, found the freed marks
 * in its granule g (shadow.h). Ordered after the free, it is a heap use
 * after free; not ordered, a race with the free (as with the free's write
 * record beyond the marks). Not recorded: the marks stay for the next
 * use. Reported once per code location and free for each thread (a loop
 * over a freed array: once), and once per byte used (a use after free
 * keyed apart from a race there). */
static CRACE_NOINLINE void freed_use(crace_thread *t, shadow_granule *g, uintptr_t addr, size_t size,
                                     shadow_cell cur, uintptr_t pc)
{
    shadow_cell old = sc_freed_record(atomic_load_explicit(sg_cell(g, 0), memory_order_relaxed),
                                      atomic_load_explicit(sg_cell(g, 1), memory_order_relaxed));
    if (old && !report_held(t, addr, size, cur, old, pc, true))
        freed_report(t, addr, size, cur, old, pc);
}

/* freed_use's report: cur met old, the record of the free. */
static void freed_report(crace_thread *t, uintptr_t addr, size_t size, shadow_cell cur, shadow_cell old,
                         uintptr_t pc)
{
    if (seen_before(pc, old, addr))
        return;
    bool ordered = sc_happens_before(old, t);
    if (!ordered && !crace_opts.report_atomic_races && sc_is_atomic(cur))
        return;
    if (location_reported(ordered ? addr | (1ull << 63) : addr))
        return;
    report_pair(t, ordered ? REPORT_HEAP_USE_AFTER_FREE : REPORT_DATA_RACE, addr, size, addr & ~(uintptr_t)7,
                addr, cur, old, true, pc);
}
