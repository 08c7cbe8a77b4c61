/*
 * tsan_atomic.c: the compiler ABI's atomic operations. Each performs the
 * real atomic operation with the order asked for, checks it as an atomic
 * access (an atomic access never races with another atomic access), and
 * records happens-before as C11 defines it:
 *  - acquire loads (and seq_cst, consume) acquire the object's clock;
 *  - release stores replace it (a new release sequence); release RMWs
 *    join into it, and relaxed RMWs leave it alone, so a release sequence
 *    continues through them; a relaxed store by a thread other than the
 *    one whose release heads the sequence ends it (C11 5.1.2.4: only the
 *    head's own stores and RMWs continue one);
 *  - fences: a relaxed store after a release fence carries the clock the
 *    thread had at that fence; a relaxed load, or the read of an RMW that
 *    does not acquire, gathers the object's clock, which the next acquire
 *    fence takes. ThreadSanitizer ignores fences;
 *    crace does not.
 */
#include <sched.h>
#include <stdint.h>

#include "tsan_atomic.h"

#include "access.h"
#include "intercept.h"
#include "module.h"
#include "sync.h"
#include "tsan_abi.inc"

/* 16-byte atomics are what the program asked for; they go through
 * libatomic (not lock-free on every x86-64), which clang warns about. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Watomic-alignment"
#endif

/* Fence state per thread. Kept only in programs that use fences, so
 * that the others pay nothing on relaxed operations: fences_used is set
 * as soon as a module whose code calls the fence entry point is set up,
 * before any of its code runs. Set at the first fence instead, it would
 * come too late for the relaxed loads before that fence: a release store
 * read by a relaxed load that an acquire fence follows synchronises,
 * but the load would have gathered nothing for the fence to take. */
struct fence_state {
    vclock_t release; /* clock at the last release fence */
    vclock_t acquire; /* clocks gathered by relaxed loads since */
    bool has_release;
};
static CRACE_TLS struct fence_state *fences;
static _Atomic bool fences_used;

static struct fence_state *fence_state(void)
{
    if (!fences) {
        fences = crace_alloc(sizeof(*fences));
        vc_init(&fences->release);
        vc_init(&fences->acquire);
    }
    return fences;
}

static inline bool mo_acquires(int mo)
{
    return mo == TSAN_MO_CONSUME || mo == TSAN_MO_ACQUIRE || mo == TSAN_MO_ACQ_REL || mo == TSAN_MO_SEQ_CST;
}

static inline bool mo_releases(int mo)
{
    return mo == TSAN_MO_RELEASE || mo == TSAN_MO_ACQ_REL || mo == TSAN_MO_SEQ_CST;
}

/* The calling thread, called from the program's code: a safe point for
 * a signal deferred while it was inside the detector (a loop of atomic
 * loads waiting for a flag its handler sets must see the handler run). */
static crace_thread *atomic_thr(uintptr_t pc)
{
    crace_thread *t = crace_thr();
    if (CRACE_UNLIKELY(t->ignore & CRACE_IGNORE_SIGNAL))
        crace_signal_poll(t, pc);
    return t;
}

/*
 * An atomic operation in two halves around the real one. The value an
 * operation reads or writes and the clock it acquires or releases must
 * belong together: done apart, a thread could read the value a release
 * RMW wrote before that RMW's release reached the object's clock, acquire
 * too little and see a race that is not there (a message passed with a
 * release fetch_add did), or a release store's clock could be replaced by
 * another thread's before its own value landed. So an operation that
 * acquires or releases (or gathers and publishes clocks for fences)
 * takes the object's lock first, performs the real operation under it,
 * and updates the clocks before letting go, as ThreadSanitizer does;
 * relaxed operations without fences take no lock. The real operation is
 * one instruction (or libatomic's 16-byte version, which calls nothing of
 * the program), so the object's lock stays a leaf. The whole runs under
 * crace_busy: it changes the thread's clock, which a signal handler's
 * release would read.
 */
struct atomic_op {
    crace_thread *t; /* NULL: the thread ignores accesses, nothing to do */
    sync_var *s;     /* locked; NULL when no clock changes hands */
    bool writes;     /* s's clock version is odd until the end (sync.h) */
};

/* Whether an operation with order mo changes clocks, and so takes the
 * object's lock: any but a relaxed one, and once the program used a
 * fence, relaxed ones too (they gather and publish the fences' clocks). */
static inline bool mo_needs_lock(int mo)
{
    return mo != TSAN_MO_RELAXED || atomic_load_explicit(&fences_used, memory_order_relaxed);
}

/* The thread's name as a release sequence's head (sync.h). */
static inline uint32_t relseq_id(const crace_thread *t)
{
    uint32_t id = (uint32_t)t->gid;
    return id == SYNC_RELSEQ_NONE || id == SYNC_RELSEQ_SEVERAL ? 1 : id;
}

/* Whether a relaxed store by t ends the release sequences headed by head
 * and head2 (sync.h): one or two goroutines head them, and t is neither.
 * A store by one of two heads ends the other's sequence only: the clock,
 * which joins both, is kept (more order than C11 gives, which can hide a
 * race but not make one up). */
static inline bool relseq_ended_by(uint32_t head, uint32_t head2, const crace_thread *t)
{
    uint32_t id = relseq_id(t);
    return head != SYNC_RELSEQ_NONE && head != SYNC_RELSEQ_SEVERAL && head != id && head2 != id;
}

/* Whether a relaxed store to a takes the object's lock though it orders
 * nothing: when it may end another goroutine's release sequence
 * (clocks_store), that is when the object exists and one goroutine but
 * the storing one heads its sequence. Read without the lock: a stale
 * answer keeps a clock C11 would drop, which can hide a race but not
 * make one up. Creates no object: without one there is no sequence. */
static inline bool store_ends_sequence(uintptr_t a)
{
    crace_thread *t = crace_cur;
    sync_var *s = t ? sync_peek(a) : NULL;
    if (!s)
        return false;
    return relseq_ended_by(__atomic_load_n(&s->relseq_head, __ATOMIC_RELAXED),
                           __atomic_load_n(&s->relseq_head2, __ATOMIC_RELAXED), t);
}

/* The thread (NULL when it ignores accesses) under crace_busy, then the
 * object locked when the operation changes clocks. early: the size of a
 * write to check in the shadow first, before the real operation (0: the
 * check comes at the end, atomic_end). A write that acquires nothing is
 * checked first: its record must be in place before another thread can
 * see its value, or a thread that sees it (a relaxed load) and frees the
 * memory would find no record, and the free's marks would bury the late
 * one (ThreadSanitizer's atomic_free3 test missed the race in one run of
 * three). */
static inline struct atomic_op atomic_begin(bool lock, uintptr_t a, bool create, uintptr_t pc, unsigned early)
{
    struct atomic_op op = {atomic_thr(pc), NULL, false};
    if (crace_ignoring(op.t)) {
        op.t = NULL;
        return op;
    }
    crace_busy++;
    if (early)
        crace_access_atomic(op.t, a, early, true, pc);
    if (lock)
        op.s = sync_lock(a, create, 0);
    if (op.s) {
        /* A store or a read-modify-write: its value must not be read
         * with the clock of before (clock_held). */
        op.writes = true;
        sync_vc_changing(op.s);
    }
    return op;
}

/* t's entry for s in clocks_seen (thread.h). */
static inline struct crace_clock_seen *clock_seen(crace_thread *t, const sync_var *s)
{
    size_t n = sizeof(t->clocks_seen) / sizeof(t->clocks_seen[0]);
    return &t->clocks_seen[((uintptr_t)s >> 6) % n]; /* a shift, not a division by sizeof(*s) */
}

/*
 * Whether t's clock holds the whole of s's, as of its current version
 * (even: no change under way), which *version gets: an acquire of it
 * would take nothing. The caller then
 * reads the value and asks still_held: the same version after the read
 * means no release reached the object in between, so the value read
 * carries no clock t lacks (a release makes the version odd before its
 * value is stored, sync_vc_changing). A loop of failing compare-exchanges
 * or acquire loads, waiting for another thread's release, so takes no
 * lock and writes no shared line: with more such threads than CPUs, one
 * of them preempted while it held the object's lock stalled the thread
 * that would release, as it does under ThreadSanitizer, which locks there
 * too (spin_note has the numbers). A hint found without a lock: the entry
 * names the object, and the version moves when it is forgotten, so an
 * equal one is the same object.
 */
static inline bool clock_held(crace_thread *t, sync_var *s, uint32_t *version)
{
    uint32_t v = atomic_load_explicit(&s->vc_version, memory_order_acquire);
    const struct crace_clock_seen *seen = clock_seen(t, s);
    if ((v & 1) || seen->obj != s || seen->version != v)
        return false;
    *version = v;
    return true;
}

/* After the value's read: whether s is still at version. */
static inline bool still_held(const sync_var *s, uint32_t version)
{
    atomic_thread_fence(memory_order_acquire); /* the value's load comes first */
    return atomic_load_explicit(&s->vc_version, memory_order_relaxed) == version;
}

/*
 * A thread that reads the same value from the same atomic again and again
 * (a failing compare-exchange, a load), with nothing in its history in
 * between (no call of an instrumented function, no access the shadow did
 * not have already), is waiting for another thread: a spin lock's
 * waiters, a flag's. Every SPIN_YIELD_EVERY reads in a row it gives its
 * CPU away. A loop that does work between its looks at a stop flag is no
 * such wait, and is left alone. The detector lengthens the critical sections of a
 * spin lock (every access in them is checked), and with more threads
 * than CPUs the holder, preempted in one, waits for each spinner to burn
 * its time slice. Ten threads of a compare-exchange spin lock on two
 * CPUs (Valgrind's annotate_rwlock test, 40,000 hand-overs, 0.01 s
 * natively) took 2 to 63 s while every failing exchange took the
 * object's lock, over 100 s once they took none (the waiters no longer
 * slept on that lock), 0.1-0.6 s now; ThreadSanitizer 23-45 s. Timing
 * only: every read is still the program's. A value of 16 bytes is folded
 * into 8 for the comparison.
 */
#define SPIN_YIELD_EVERY 256

static inline void spin_note(crace_thread *t, uintptr_t a, uint64_t v)
{
    uint64_t pos = atomic_load_explicit(&t->hist_pos, memory_order_relaxed);
    if (a != t->spin_addr || v != t->spin_value || pos != t->spin_pos) {
        t->spin_addr = a;
        t->spin_value = v;
        t->spin_pos = pos;
        t->spins = 0;
    } else if (++t->spins % SPIN_YIELD_EVERY == 0) {
        sched_yield();
    }
}

/* atomic_begin for a load (or a compare-exchange's failure, load_begin):
 * no lock when the load takes no clock (relaxed, no fences), nor when t
 * holds the object's clock (clock_held: then *held gets the object and
 * *version its version, to check with still_held once the value is
 * read). */
static inline struct atomic_op atomic_begin_load(bool lock, uintptr_t a, uintptr_t pc, sync_var **held,
                                                 uint32_t *version)
{
    struct atomic_op op = {atomic_thr(pc), NULL, false};
    *held = NULL;
    if (crace_ignoring(op.t)) {
        op.t = NULL;
        return op;
    }
    crace_busy++;
    if (!lock)
        return op;
    sync_var *s = sync_peek(a);
    if (!s)
        op.s = sync_lock(a, false, 0); /* a lookup without a lock may miss (sync.c) */
    else if (clock_held(op.t, s, version))
        *held = s;
    else
        op.s = sync_lock_found(s, a);
    return op;
}

/* The clock operations of a load with order mo, under s's lock: an
 * acquire takes the object's clock; a relaxed load after which an acquire
 * fence may come gathers it for that fence. */
static void clocks_load(crace_thread *t, sync_var *s, int mo)
{
    if (mo_acquires(mo))
        vc_join(&t->vc, &s->vc);
    else if (atomic_load_explicit(&fences_used, memory_order_relaxed))
        vc_join(&fence_state()->acquire, &s->vc);
}

/* s's release sequence is headed by t from now on (a release store).
 * Written only when it changes: a variable one thread keeps storing to
 * (its progress, a flag) keeps the object's second cache line clean in
 * the other threads' caches, which read it (store_ends_sequence). */
static void relseq_head_by(sync_var *s, const crace_thread *t)
{
    uint32_t id = relseq_id(t);
    if (s->relseq_head != id)
        __atomic_store_n(&s->relseq_head, id, __ATOMIC_RELAXED);
    if (s->relseq_head2 != SYNC_RELSEQ_NONE)
        __atomic_store_n(&s->relseq_head2, SYNC_RELSEQ_NONE, __ATOMIC_RELAXED);
}

/* s's release sequences go on with t's release joined in: t heads one
 * too, the first or second head, or one of several. */
static void relseq_join(sync_var *s, const crace_thread *t)
{
    uint32_t id = relseq_id(t), head = s->relseq_head, head2 = s->relseq_head2;
    if (head == SYNC_RELSEQ_NONE) {
        __atomic_store_n(&s->relseq_head, id, __ATOMIC_RELAXED);
    } else if (head == id || head == SYNC_RELSEQ_SEVERAL || head2 == id) {
        return;
    } else if (head2 == SYNC_RELSEQ_NONE) {
        __atomic_store_n(&s->relseq_head2, id, __ATOMIC_RELAXED);
    } else {
        sync_relseq_set(s, SYNC_RELSEQ_SEVERAL, SYNC_RELSEQ_NONE);
    }
}

/* A store: a release replaces the object's clock (a new release
 * sequence); a relaxed store after a release fence carries that fence's
 * clock (the sequence its store would head were it a release). Any other
 * relaxed store ends the release sequence unless its own thread heads
 * it: the object's clock is dropped. With two heads (release RMWs of two
 * threads) a store by a third drops it too; by one of them, that one's
 * sequence goes on, and the clock, which joins both, is kept, as it is
 * with more heads (or a release that was no atomic's: sync.h):
 * synchronisation kept that C11 would not give hides a race, never
 * makes one up. True when the thread released (its epoch
 * ends). */
static bool clocks_store(crace_thread *t, sync_var *s, int mo)
{
    if (mo_releases(mo)) {
        vc_copy(&s->vc, &t->vc);
        relseq_head_by(s, t);
        return true;
    }
    struct fence_state *f = fences;
    if (f && f->has_release) {
        vc_copy(&s->vc, &f->release);
        relseq_head_by(s, t);
    } else if (relseq_ended_by(s->relseq_head, s->relseq_head2, t)) {
        vc_clear(&s->vc);
        sync_relseq_set(s, SYNC_RELSEQ_NONE, SYNC_RELSEQ_NONE);
    }
    return false;
}

/* A read-modify-write: acquires and releases as its order says; a release
 * joins (the release sequence goes on through other threads' RMWs), and a
 * relaxed RMW leaves the clock alone except for fences. An RMW that does
 * not acquire gathers the clock it read for a later acquire fence, as a
 * relaxed load does (C11 7.17.4: the fence synchronises with the release
 * whatever the order of the operation that read). */
static bool clocks_rmw(crace_thread *t, sync_var *s, int mo)
{
    if (mo_acquires(mo) && mo_releases(mo)) {
        vc_join_both(&t->vc, &s->vc);
        relseq_join(s, t);
        return true;
    }
    bool fenced = atomic_load_explicit(&fences_used, memory_order_relaxed);
    if (mo_acquires(mo))
        vc_join(&t->vc, &s->vc);
    else if (fenced)
        vc_join(&fence_state()->acquire, &s->vc);
    if (mo_releases(mo)) {
        vc_join(&s->vc, &t->vc);
        relseq_join(s, t);
        return true;
    }
    struct fence_state *f = fenced ? fences : NULL;
    if (f && f->has_release) {
        vc_join(&s->vc, &f->release);
        relseq_join(s, t);
    }
    return false;
}

enum atomic_kind { OP_LOAD, OP_STORE, OP_RMW };

/* The clock operations, then the object's lock let go; true when the
 * thread released (its epoch ends once the operation is recorded).
 * check: the size of the operation's own check (a write at a, by the
 * program's pc) to make before the lock is let go, 0 for none; a race it
 * finds is reported by the caller (crace_reports_flush). */
static inline __attribute__((always_inline)) bool atomic_clocks(struct atomic_op op, enum atomic_kind kind, int mo,
                                                                unsigned check, uintptr_t a, uintptr_t pc)
{
    bool released = false;
    if (op.s && op.t->ignore_sync) {
        if (op.writes)
            sync_vc_changed(op.s, false);
        sync_unlock(op.s);
    } else if (op.s) {
        if (kind == OP_LOAD)
            clocks_load(op.t, op.s, mo);
        else if (kind == OP_STORE)
            released = clocks_store(op.t, op.s, mo);
        else
            released = clocks_rmw(op.t, op.s, mo);
        /* A compare-exchange that failed (OP_LOAD) changed nothing: its
         * version goes back to what it was. */
        if (op.writes)
            sync_vc_changed(op.s, kind != OP_LOAD);
        /* t's clock now holds the object's when it acquired it, or gave
         * it its own (a release store). */
        if (kind == OP_STORE ? released : mo_acquires(mo))
            *clock_seen(op.t, op.s) = (struct crace_clock_seen){
                op.s, atomic_load_explicit(&op.s->vc_version, memory_order_relaxed)};
        if (check) {
            op.t->reports_wait = true;
            crace_access_atomic(op.t, a, check, true, pc);
            op.t->reports_wait = false;
        }
        sync_unlock(op.s);
    }
    return released;
}

/*
 * The second half: the clock operations, the operation's own check in the
 * shadow (an atomic read or write of size bytes at a; none when size is
 * 0: atomic_begin made it) in the epoch it ran in, and the end of that
 * epoch if it released. A check that is not made first comes after an
 * acquire, which orders the operation after what the releasing thread did
 * before (C11 5.1.2.4): a plain write of the variable (clang's
 * atomic_init), then a release store of it, does not race with another
 * thread's acquire load that reads what the store wrote; nor do two
 * threads' RMWs of one variable leave a record each, unordered, where the
 * later one replaces the earlier (an array of counters, two to a granule,
 * each updated by two threads, overflowed every granule). A write that
 * releases is checked before the object's lock is let go (below), a read
 * after; a race found under the lock, where no report may be made, is
 * reported once it is let go.
 */
static inline __attribute__((always_inline)) void atomic_end(struct atomic_op op, enum atomic_kind kind, int mo,
                                                             uintptr_t a, unsigned size, uintptr_t pc)
{
    if (!op.t)
        return;
    /* A write that releases is checked while its object is still locked:
     * once the lock goes, another thread may acquire the write's value
     * and, ordered after it, write the variable plainly or free it (the
     * last owner of a reference count, memory reused after a lock-free
     * hand-off). Checked after that, the write met those accesses as
     * racing with it: the refcount's final free, reported on most runs. */
    unsigned locked_check = size && op.s && kind != OP_LOAD && mo_releases(mo) && !op.t->ignore_sync ? size : 0;
    bool released = atomic_clocks(op, kind, mo, locked_check, a, pc);
    if (locked_check) {
        if (CRACE_UNLIKELY(op.t->held_report.valid))
            crace_reports_flush(op.t);
    } else if (size) {
        crace_access_atomic(op.t, a, size, kind != OP_LOAD, pc);
    }
    if (released)
        crace_thread_tick(op.t);
    crace_busy--;
}

/* An operation begun and not made after all (a compare-exchange whose
 * value turned out to be the expected one): its lock let go. */
static inline void atomic_abandon(struct atomic_op op)
{
    if (op.s)
        sync_unlock(op.s);
    if (op.t)
        crace_busy--;
}

/* A compare-exchange's end: one that failed only read (C11 7.17.7.4), so
 * it is checked as an atomic read, and cannot race with a plain read. */
static inline void cas_end(struct atomic_op op, bool ok, int mo, int fmo, uintptr_t a, unsigned size,
                           uintptr_t pc)
{
    atomic_end(op, ok ? OP_RMW : OP_LOAD, ok ? mo : fmo, a, size, pc);
}

/* The builtins need a constant order; the ABI passes a variable one.
 * seq_cst is a valid strengthening of every order, and costs nothing more
 * on x86 for RMWs; loads and stores keep their cheaper forms when the
 * order allows (a release store is a plain store on x86, a seq_cst one
 * a locked exchange). A load reads first and looks for the object's sync
 * record after: a release creates the record before it stores, so a load
 * that saw a released value finds it, and then reads again under its lock
 * to get the value and the clock together; a load that finds none read
 * nothing released, and creates no record (polling loads of many objects
 * cost no memory). Every other operation creates the record and performs
 * the real operation under its lock.
 *
 * Each operation's body (load##bits, store##bits, cas##bits, the RMWs'
 * name##bits) is always inlined into an exported entry point: the ABI's,
 * and for 128 bits libatomic's below. CALLER_PC() in it is then that
 * entry point's return address, the program's call site, read where it
 * is needed (as a value passed down, the hot entry points kept it in a
 * register they had to save: about 1 % more instructions on `atomics`). */
#define SPIN_VALUE(v) ((uint64_t)(v) ^ (uint64_t)((unsigned __int128)(v) >> 64))
#define LOAD_MO(a, mo) ((mo) == TSAN_MO_RELAXED ? __atomic_load_n(a, __ATOMIC_RELAXED) : __atomic_load_n(a, __ATOMIC_SEQ_CST))

#define ATOMIC_FNS(bits, T)                                                                    \
    /* A load up to its end: the value, read with the object locked or its                    \
     * clock held (*op, for load_end), or with no lock when none is needed. */                \
    static inline __attribute__((always_inline)) T load_begin##bits(const volatile T *a, int mo, uintptr_t pc, \
                                                                    struct atomic_op *op)      \
    {                                                                                          \
        T v = LOAD_MO(a, mo);                                                                  \
        sync_var *held;                                                                        \
        uint32_t version;                                                                      \
        *op = atomic_begin_load(mo_needs_lock(mo), (uintptr_t)a, pc, &held, &version);         \
        if (held) {                                                                            \
            v = LOAD_MO(a, mo);                                                                \
            if (!still_held(held, version))                                                    \
                op->s = sync_lock_found(held, (uintptr_t)a);                                   \
        }                                                                                      \
        if (op->s)                                                                             \
            v = LOAD_MO(a, mo);                                                                \
        return v;                                                                              \
    }                                                                                          \
    static inline __attribute__((always_inline)) void load_end##bits(struct atomic_op op, int mo,            \
                                                                     const volatile T *a, T v, uintptr_t pc) \
    {                                                                                          \
        atomic_end(op, OP_LOAD, mo, (uintptr_t)a, bits / 8, pc);                              \
        if (op.t)                                                                              \
            spin_note(op.t, (uintptr_t)a, SPIN_VALUE(v));                                      \
    }                                                                                          \
    static inline __attribute__((always_inline)) T load##bits(const volatile T *a, int mo)       \
    {                                                                                          \
        struct atomic_op op;                                                                   \
        T v = load_begin##bits(a, mo, CALLER_PC(), &op);                                       \
        load_end##bits(op, mo, a, v, CALLER_PC());                                             \
        return v;                                                                              \
    }                                                                                          \
    CRACE_EXPORT T __tsan_atomic##bits##_load(const volatile T *a, int mo)                     \
    {                                                                                          \
        return load##bits(a, mo);                                                              \
    }                                                                                          \
    /* A compare-exchange that finds another value than *e fails unless the                   \
     * value changes: it only loads (C11 7.17.7.4), with order fmo. So it is                  \
     * made as that load, without the real exchange (a write of the line),                    \
     * and without the object's lock when the load needs none; true when                      \
     * done, *e set. */                                                                       \
    static inline bool cas_fails##bits(volatile T *a, T *e, int fmo, uintptr_t pc)             \
    {                                                                                          \
        if (__atomic_load_n(a, __ATOMIC_RELAXED) == *e)                                        \
            return false;                                                                      \
        struct atomic_op op;                                                                   \
        T v = load_begin##bits(a, fmo, pc, &op);                                              \
        if (v == *e) {                                                                         \
            atomic_abandon(op);                                                                \
            return false;                                                                      \
        }                                                                                      \
        *e = v;                                                                                \
        load_end##bits(op, fmo, a, v, pc);                                                    \
        return true;                                                                           \
    }                                                                                          \
    static inline __attribute__((always_inline)) void store##bits(volatile T *a, T v, int mo)    \
    {                                                                                          \
        bool lock = mo_needs_lock(mo) || store_ends_sequence((uintptr_t)a);                   \
        struct atomic_op op = atomic_begin(lock, (uintptr_t)a, mo_needs_lock(mo), CALLER_PC(), bits / 8); \
        if (mo == TSAN_MO_RELAXED)                                                             \
            __atomic_store_n(a, v, __ATOMIC_RELAXED);                                          \
        else if (mo == TSAN_MO_RELEASE)                                                        \
            __atomic_store_n(a, v, __ATOMIC_RELEASE);                                          \
        else                                                                                   \
            __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                          \
        atomic_end(op, OP_STORE, mo, (uintptr_t)a, 0, CALLER_PC());                            \
    }                                                                                          \
    CRACE_EXPORT void __tsan_atomic##bits##_store(volatile T *a, T v, int mo)                  \
    {                                                                                          \
        store##bits(a, v, mo);                                                                 \
    }                                                                                          \
    static inline __attribute__((always_inline)) bool cas##bits(volatile T *a, T *e, T d, bool weak, int mo, \
                                                               int fmo)                        \
    {                                                                                          \
        if (cas_fails##bits(a, e, fmo, CALLER_PC()))                                           \
            return false;                                                                      \
        struct atomic_op op = atomic_begin(mo_needs_lock(mo) || mo_needs_lock(fmo), (uintptr_t)a, true, \
                                           CALLER_PC(), 0);                                    \
        bool ok = weak ? __atomic_compare_exchange_n(a, e, d, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) \
                       : __atomic_compare_exchange_n(a, e, d, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
        cas_end(op, ok, mo, fmo, (uintptr_t)a, bits / 8, CALLER_PC());                         \
        return ok;                                                                             \
    }                                                                                          \
    CRACE_EXPORT int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *e, T d, int mo, \
                                                                   int fmo)                    \
    {                                                                                          \
        return cas##bits(a, e, d, false, mo, fmo);                                \
    }                                                                                          \
    CRACE_EXPORT int __tsan_atomic##bits##_compare_exchange_weak(volatile T *a, T *e, T d, int mo, \
                                                                 int fmo)                      \
    {                                                                                          \
        return cas##bits(a, e, d, true, mo, fmo);                                 \
    }                                                                                          \
    CRACE_EXPORT T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T e, T d, int mo, int fmo) \
    {                                                                                          \
        cas##bits(a, &e, d, false, mo, fmo);                                      \
        return e;                                                                              \
    }

#define RMW_FN(bits, T, name, builtin)                                                         \
    static inline __attribute__((always_inline)) T name##bits(volatile T *a, T v, int mo)        \
    {                                                                                          \
        unsigned early = mo_acquires(mo) ? 0 : bits / 8;                                       \
        struct atomic_op op = atomic_begin(mo_needs_lock(mo), (uintptr_t)a, true, CALLER_PC(), early); \
        T old = builtin(a, v, __ATOMIC_SEQ_CST);                                               \
        atomic_end(op, OP_RMW, mo, (uintptr_t)a, early ? 0 : bits / 8, CALLER_PC());           \
        return old;                                                                            \
    }                                                                                          \
    CRACE_EXPORT T __tsan_atomic##bits##_##name(volatile T *a, T v, int mo)                    \
    {                                                                                          \
        return name##bits(a, v, mo);                                                           \
    }

#define RMW_FOR_TYPE(bits, T) ATOMIC_FNS(bits, T) TSAN_ATOMIC_RMW(RMW_FN, bits, T)

TSAN_ATOMIC_TYPES(RMW_FOR_TYPE)

/* ================================================ libatomic's calls
 *
 * Atomic operations the compilers leave to libatomic, out of line and
 * without instrumentation: clang's on 16 bytes unless built with -mcx16
 * (__atomic_load_16, __atomic_fetch_add_16, and the generic
 * __atomic_compare_exchange for a CAS), and both compilers' on objects of
 * a size with no lock-free instruction (an _Atomic struct of 24 bytes:
 * __atomic_load(24, ...)). Unseen, a pointer published with a 16-byte
 * compare-and-swap (a tagged pointer, a counted head) orders nothing, and
 * what it points to is reported racy (compiler-rt's ThreadSanitizer does
 * so); a plain access racing with such an operation goes unnoticed. So
 * crace defines them too: from the program's instrumented code, each is
 * the same atomic operation as its __tsan_atomic counterpart (the
 * generic ones, of any size, through libatomic's own), and the caller's
 * buffers (the value to store, where the value read goes) are plain
 * memory libatomic reads and writes for it. From anywhere else, straight
 * to libatomic: an uninstrumented library's atomics are its own (as in
 * crace_pt_object), and the shim's own 16-byte operations above, which
 * the compiler makes libatomic calls, come back here through the PLT. */

/* libatomic's memory model argument: the C11 order, which the compilers
 * pass as ThreadSanitizer's, with x86's lock-elision hints above it. */
#define LIBATOMIC_MO(model) ((model) & 0xffff)

typedef unsigned __int128 u128;

/* An interceptor (intercept.h) of one of libatomic's functions, which
 * the compilers know as builtins of other types: the C name is the
 * shim's, the symbol libatomic's. */
#define LIBATOMIC_FN(ret, name, ...)                           \
    static ret (*real_##name)(__VA_ARGS__);                    \
    CRACE_EXPORT ret crace_##name(__VA_ARGS__) __asm__(#name); \
    CRACE_EXPORT ret crace_##name(__VA_ARGS__)

/* LIBATOMIC_PASS(statement calling libatomic): what libatomic does for
 * its caller (a memcpy, one of its lock table's mutexes taken for an
 * object without a lock-free instruction) is no access or lock of the
 * program's (the call itself is checked here), so the interceptors pass
 * it through (crace_shim_enter). */
#define LIBATOMIC_PASS(stmt)                       \
    do {                                           \
        crace_thread *t_ = crace_inited ? crace_shim_enter() : NULL; \
        stmt;                                      \
        crace_shim_leave(t_);                      \
    } while (0)

LIBATOMIC_FN(u128, __atomic_load_16, const volatile void *a, int model)
{
    uintptr_t pc = CALLER_PC();
    u128 v;
    if (crace_program_caller(pc))
        v = (u128)load128((const volatile __int128 *)a, LIBATOMIC_MO(model));
    else
        LIBATOMIC_PASS(v = REAL(__atomic_load_16)(a, model));
    return v;
}

LIBATOMIC_FN(void, __atomic_store_16, volatile void *a, u128 v, int model)
{
    uintptr_t pc = CALLER_PC();
    if (crace_program_caller(pc))
        store128((volatile __int128 *)a, (__int128)v, LIBATOMIC_MO(model));
    else
        LIBATOMIC_PASS(REAL(__atomic_store_16)(a, v, model));
}

LIBATOMIC_FN(bool, __atomic_compare_exchange_16, volatile void *a, void *e, u128 d, int smodel, int fmodel)
{
    uintptr_t pc = CALLER_PC();
    bool ok;
    if (crace_program_caller(pc))
        ok = cas128((volatile __int128 *)a, (__int128 *)e, (__int128)d, false, LIBATOMIC_MO(smodel),
                    LIBATOMIC_MO(fmodel));
    else
        LIBATOMIC_PASS(ok = REAL(__atomic_compare_exchange_16)(a, e, d, smodel, fmodel));
    return ok;
}

/* X(libatomic's name, the operation above, what it returns given the old
 * value and the operand v): fetch_OP returns the old value, OP_fetch the
 * new one. Unsigned, so that wrapping is the operation's. */
#define LIBATOMIC_RMW16(X)                                              \
    X(exchange, exchange, old) X(fetch_add, fetch_add, old)             \
    X(fetch_sub, fetch_sub, old) X(fetch_and, fetch_and, old)           \
    X(fetch_or, fetch_or, old) X(fetch_xor, fetch_xor, old)             \
    X(fetch_nand, fetch_nand, old) X(add_fetch, fetch_add, old + v)     \
    X(sub_fetch, fetch_sub, old - v) X(and_fetch, fetch_and, old & v)   \
    X(or_fetch, fetch_or, old | v) X(xor_fetch, fetch_xor, old ^ v)     \
    X(nand_fetch, fetch_nand, ~(old & v))

#define LIBATOMIC_RMW16_FN(name, op, result)                                                   \
    LIBATOMIC_FN(u128, __atomic_##name##_16, volatile void *a, u128 v, int model)              \
    {                                                                                          \
        uintptr_t pc = CALLER_PC();                                                            \
        u128 r;                                                                                \
        if (crace_program_caller(pc)) {                                                      \
            u128 old = (u128)op##128((volatile __int128 *)a, (__int128)v, LIBATOMIC_MO(model));     \
            r = result;                                                                        \
        } else {                                                                               \
            LIBATOMIC_PASS(r = REAL(__atomic_##name##_16)(a, v, model));                       \
        }                                                                                      \
        return r;                                                                              \
    }
LIBATOMIC_RMW16(LIBATOMIC_RMW16_FN)

/* The caller's buffer p of n bytes, which libatomic reads or writes as
 * plain memory for the program's call at pc. */
static void libatomic_buffer(const void *p, size_t n, bool is_write, uintptr_t pc)
{
    crace_thread *t = crace_thr();
    if (t)
        crace_check_range(t, p, n, is_write, pc);
}

LIBATOMIC_FN(void, __atomic_load, size_t n, void *a, void *ret, int model)
{
    uintptr_t pc = CALLER_PC();
    if (!crace_program_caller(pc)) {
        LIBATOMIC_PASS(REAL(__atomic_load)(n, a, ret, model));
        return;
    }
    int mo = LIBATOMIC_MO(model);
    struct atomic_op op = atomic_begin(mo_needs_lock(mo), (uintptr_t)a, mo_needs_lock(mo), pc, 0);
    LIBATOMIC_PASS(REAL(__atomic_load)(n, a, ret, model));
    atomic_end(op, OP_LOAD, mo, (uintptr_t)a, n, pc);
    libatomic_buffer(ret, n, true, pc);
}

LIBATOMIC_FN(void, __atomic_store, size_t n, void *a, void *v, int model)
{
    uintptr_t pc = CALLER_PC();
    if (!crace_program_caller(pc)) {
        LIBATOMIC_PASS(REAL(__atomic_store)(n, a, v, model));
        return;
    }
    int mo = LIBATOMIC_MO(model);
    libatomic_buffer(v, n, false, pc);
    bool lock = mo_needs_lock(mo) || store_ends_sequence((uintptr_t)a);
    struct atomic_op op = atomic_begin(lock, (uintptr_t)a, mo_needs_lock(mo), pc, (unsigned)n);
    LIBATOMIC_PASS(REAL(__atomic_store)(n, a, v, model));
    atomic_end(op, OP_STORE, mo, (uintptr_t)a, 0, pc);
}

LIBATOMIC_FN(void, __atomic_exchange, size_t n, void *a, void *v, void *ret, int model)
{
    uintptr_t pc = CALLER_PC();
    if (!crace_program_caller(pc)) {
        LIBATOMIC_PASS(REAL(__atomic_exchange)(n, a, v, ret, model));
        return;
    }
    int mo = LIBATOMIC_MO(model);
    libatomic_buffer(v, n, false, pc);
    unsigned early = mo_acquires(mo) ? 0 : (unsigned)n;
    struct atomic_op op = atomic_begin(mo_needs_lock(mo), (uintptr_t)a, true, pc, early);
    LIBATOMIC_PASS(REAL(__atomic_exchange)(n, a, v, ret, model));
    atomic_end(op, OP_RMW, mo, (uintptr_t)a, early ? 0 : n, pc);
    libatomic_buffer(ret, n, true, pc);
}

LIBATOMIC_FN(bool, __atomic_compare_exchange, size_t n, void *a, void *e, void *d, int smodel, int fmodel)
{
    uintptr_t pc = CALLER_PC();
    bool ok;
    if (!crace_program_caller(pc)) {
        LIBATOMIC_PASS(ok = REAL(__atomic_compare_exchange)(n, a, e, d, smodel, fmodel));
        return ok;
    }
    int mo = LIBATOMIC_MO(smodel), fmo = LIBATOMIC_MO(fmodel);
    libatomic_buffer(e, n, false, pc);
    libatomic_buffer(d, n, false, pc);
    struct atomic_op op = atomic_begin(mo_needs_lock(mo) || mo_needs_lock(fmo), (uintptr_t)a, true, pc, 0);
    LIBATOMIC_PASS(ok = REAL(__atomic_compare_exchange)(n, a, e, d, smodel, fmodel));
    cas_end(op, ok, mo, fmo, (uintptr_t)a, n, pc);
    if (!ok)
        libatomic_buffer(e, n, true, pc); /* it gets the value found */
    return ok;
}

void crace_atomic_module_init(uintptr_t pc)
{
    /* Every translation unit of a module calls __tsan_init (gcc): one
     * look at the module's imports is enough. */
    static _Atomic uintptr_t looked;
    if (!atomic_load_explicit(&fences_used, memory_order_relaxed) &&
        crace_module_imports(pc, "__tsan_atomic_thread_fence", &looked))
        atomic_store_explicit(&fences_used, true, memory_order_relaxed);
}

CRACE_EXPORT void __tsan_atomic_thread_fence(int mo)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    crace_thread *t = atomic_thr(CALLER_PC());
    if (crace_ignoring(t) || mo == TSAN_MO_RELAXED)
        return;
    crace_busy++;
    atomic_store_explicit(&fences_used, true, memory_order_relaxed);
    struct fence_state *f = fence_state();
    if (mo_acquires(mo))
        vc_join(&t->vc, &f->acquire);
    if (mo_releases(mo)) {
        vc_copy(&f->release, &t->vc);
        f->has_release = true;
        crace_thread_tick(t);
    }
    crace_busy--;
}

CRACE_EXPORT void __tsan_atomic_signal_fence(int mo)
{
    (void)mo;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}
