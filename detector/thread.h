/*
 * thread.h: the detector's view of a thread (a goroutine in reports).
 *
 * Each live thread owns a dense slot: its index in every vector clock and
 * in shadow cells, and the owner of that slot's history ring. Slots are
 * reused, so clocks scale with live threads. A slot is given to a new
 * thread only when its creator already knows (happens after) every access
 * the slot's previous owner recorded (creator's clock[slot] >= the last
 * clock the owner wrote into a shadow cell), so an old cell of the slot
 * can never look ordered when it was not. The new owner continues the
 * slot's clock past the last one ever used. A goroutine that signals a
 * WaitGroup or sends its result and then exits is therefore recycled by
 * the goroutine that waited for it.
 *
 * Goroutine numbers (gid) count threads in creation order from 1 (main)
 * and are never reused.
 *
 * Invariants: vc.clk[slot] is the thread's current clock; epoch ==
 * sc_epoch(slot, vc.clk[slot]); want == epoch | 0xff, or CRACE_WANT_NONE
 * while a deferred signal waits (crace_thread_set_epoch); only the thread
 * itself touches its vc, epoch, want, shadow stack and history.
 */
#ifndef CRACE_THREAD_H
#define CRACE_THREAD_H

#include <pthread.h>
#include <sys/types.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "history.h"
#include "rt.h"
#include "shadow.h"
#include "shimlock.h"
#include "stackdepot.h"
#include "vclock.h"

enum thread_state { THREAD_RUNNING, THREAD_FINISHED };

/* crace_thread's cache of stacks (last_stacks): entries, and the deepest
 * shadow stack an entry keeps (deeper ones go to the depot each time). */
#define CRACE_LAST_STACKS 4
#define CRACE_LAST_STACK_FRAMES 16

typedef struct crace_thread {
    /* Hot: read by every instrumented access, also by the fast path
     * linked into instrumented programs: moving want, own_cell, in_shim,
     * the history and shadow stack fields, or changing their meaning,
     * changes CRACE_FAST_ABI (access.h). */
    uint64_t epoch;
    uint64_t want;     /* what the fast path compares cells with: epoch with
                          the whole mask byte, or CRACE_WANT_NONE (below) */
    uint32_t slot;
    int ignore;        /* > 0: accesses are not checked (in the shim, in ignored code);
                          CRACE_IGNORE_SIGNAL: a deferred signal waits. The fast
                          path does not test it: a covered access records
                          nothing, and a miss checks it (crace_access_miss) */
    uint32_t own_cell; /* byte offset from a granule's cell 0 to the cell this
                          thread's accesses go to first: crace_own_cell(slot) */
    int in_shim;       /* > 0: inside the shim; interceptors pass straight
                          through, signal handlers wait (the fast path's
                          function entry and exit do not raise it: access.h) */
    vclock_t vc;
    hist_t *hist;      /* the slot's ring; NULL once the thread finished */
    uint64_t used_clock; /* last clock written into a shadow cell */

    /* Shadow call stack from __tsan_func_entry/exit: call-site pcs,
     * outermost first, shcap entries allocated. While the thread owns a
     * ring, shcap - depth >= HIST_CHECK_WORDS - hist_pos % HIST_CHECK_WORDS:
     * every push follows an event word, and the slow path that every
     * HIST_CHECK_WORDS-th word takes restores the room
     * (crace_hist_put_busy), so the fast path pushes without a test.
     * Without a ring, every event takes the slow path, which tests. */
    uintptr_t *shstack;
    uint32_t depth;
    uint32_t shcap;
    /* The writer's end of hist while the thread owns the slot (history.h):
     * the next word's position (readers find it through the slot:
     * crace_slot_restore), 0 without a ring (so that every event takes
     * the slow path, which drops it); the lap base. Beside the shadow
     * stack: function entry and exit touch one cache line. */
    _Atomic uint64_t hist_pos;
    uintptr_t hist_lap;
    /* The pc of the last access event written in the current part, 0
     * when none (set to 0 where a part starts): the next access event
     * near it takes one word (EV_ACCESS_NEAR). Not read by the fast path. */
    uintptr_t hist_pc_base;

    /* Cold. */
    uint64_t gid;
    uint64_t parent_gid;
    stack_id creation_stack;
    pthread_t pthread;
    _Atomic int state;          /* enum thread_state */
    bool detached;
    /* Finished, published for a joiner, then taken by pthread_detach
     * while still on the all-threads list: the thread moves its record
     * to the graveyard itself once it is off the list (graveyard_add
     * relinks the record). Under the registry lock. */
    bool detach_took;
    bool internal;              /* libgochan's timer thread: not a goroutine */
    bool creating_internal;     /* the next thread it creates is internal (libgochan's hook) */
    uintptr_t stack_lo, stack_hi;
    uintptr_t tls_lo, tls_hi;   /* its static TLS (inside the stack's mapping but the main thread's) */
    struct crace_thread *next, *prev; /* all-threads list, under the registry lock */
    bool listed;                      /* on that list */
    /* Its creator has returned from pthread_create and is done with the
     * record (crace_thread_created; from the start for a thread with no
     * creator): a finished detached thread's record may be freed only
     * then. Under the registry lock. */
    bool created;

    /* What the thread waits for (deadlock.c, under its lock). */
    struct crace_wait {
        const char *reason;     /* Go's wait reason, or the pthread call */
        int kind;               /* enum wait_object */
        uintptr_t obj;          /* the object waited on */
        uintptr_t with;         /* the mutex a condvar wait releases */
        const void *token;      /* libgochan's waiter record, or NULL */
        /* Whether the wait is over though no wake-up reached it (a
         * barrier round completed before its waiter registered), or
         * NULL; called under deadlock.c's dl_lock. */
        bool (*over)(uintptr_t obj, uintptr_t with);
        stack_id stack;         /* where it blocked */
        bool blocked;           /* counted as blocked forever */
        /* A write lock of an rwlock the goroutine holds for reading
         * (dl_block_upgrade): glibc's write lock waits for every reader
         * to leave, the waiter among them. held_stack: where it
         * read-locked it. */
        bool upgrade;
        stack_id held_stack;
        /* A select's channels (sel_chans, n_sel of them), or NULL. */
        const uintptr_t *sel;
        uint32_t n_sel;
    } wait;
    /* The channels of the select the goroutine waits in, distinct, up to
     * CRACE_SEL_SHOWN (deadlock.c's dl_block_select); sel_total: all. */
#define CRACE_SEL_SHOWN 8
    uintptr_t sel_chans[CRACE_SEL_SHOWN];
    uint32_t sel_total;
    /* With leak_check=running: the libgochan wait with a timer the
     * goroutine is parked in (its reason, stored last with release,
     * cleared when it runs again; NULL when none) and where, for a leak
     * report that says where a goroutine still alive at exit is. */
    const char *timed_reason;
    stack_id timed_stack;
    struct crace_thread *bnext, *bprev; /* blocked list */
    struct crace_thread *tnext;         /* token hash chain */
    struct crace_thread *onext, *oprev; /* object hash chain (doubly linked: 1,000
                                           goroutines blocked on one channel share
                                           a bucket, and each wake-up unlinks one) */
    bool counted_live;                  /* counted in deadlock.c's live threads */
    _Atomic int dl_light;               /* deadlock.c's registration without its lock: enum dl_light */
    bool dl_light_counted;              /* counted in deadlock.c's n_light_bound */
    /* Once finished and not detached: its last clock, for its joiner, and
     * the link of the finished records published under its pthread_t
     * (newest first; more than one only while glibc has given the handle
     * to a new thread that finished before the old one's joiner, back
     * from the real join, took its record). */
    vclock_t final_vc;
    struct crace_thread *fnext;
    /* Also, until it is joined or detached: on the list of such records
     * (thread.c's unjoined list, under its lock), for the leak check at
     * exit. */
    struct crace_thread *unext, *uprev;
    bool unjoined;
    pid_t tid;                          /* the kernel's thread id (glibc locks name owners by it) */

    /* Where this thread's record of a granule with an overflow chain
     * (read-shared data) was last stored or found, with the chain's head
     * then: a read that record covers is settled without walking the
     * chain (access.c, access_general), a walk of one cell per reader.
     * Direct-mapped by granule. Only the thread itself touches them. */
    struct crace_ovf_hint {
        const shadow_granule *g;
        shadow_cell head;            /* the granule's overflow pointer */
        _Atomic shadow_cell *cell;
    } ovf_hints[8];

    /* Versions of sync objects' clocks (sync.h, vc_version) that this
     * thread's clock holds whole: set under the object's lock once the
     * thread joined it (an acquire) or gave it its own (a release store).
     * An acquiring atomic load, or a compare-exchange that fails, that
     * finds the same version has nothing to take, and takes no lock
     * (tsan_atomic.c). Direct-mapped by object; only the thread itself
     * touches them. */
    struct crace_clock_seen {
        const void *obj;
        uint32_t version;
    } clocks_seen[8];
    /* The atomic this thread last read, the value it found there and the
     * history's position then, and how many times in a row it found that
     * value with nothing logged in between (tsan_atomic.c, spin_note). */
    uintptr_t spin_addr;
    uint64_t spin_value, spin_pos;
    uint32_t spins;

    /* Inside AnnotateIgnoreSyncBegin/End brackets (their depth): the
     * thread's synchronisation orders nothing, as ThreadSanitizer's
     * (locks, atomics, annotations, semaphores and the like neither
     * acquire nor release). Only the thread itself touches it. */
    uint32_t ignore_sync;
    /* Open ignore brackets the program made (AnnotateIgnore*Begin,
     * __tsan_ignore_thread_begin), and where the outermost began: one
     * still open when the thread ends is a misuse (misuse_exit_ignoring). */
    uint32_t annotated_ignores;
    stack_id ignore_stack;

    /* Locks held, oldest first, and the lock-order edges this thread knows
     * are in the graph (lockorder.c). Only the thread itself touches them. */
    struct lo_held *held;
    uint32_t n_held, held_cap;
    struct lo_cache_entry *lo_cache;

    /* Empty non-blocking channel polls (intercept_chan.c, busy select
     * loops): the count ever, the count and time at which the current
     * one-second window began. Only the thread itself touches them. */
    uint64_t polls, poll_mark;
    int64_t poll_since_ns;

    /* Signals deferred while the thread was inside the detector
     * (intercept_signal.c): mapped on the first one, written by the
     * thread's signal handlers, run by the thread. */
    struct crace_sigctx *sigctx;
    uintptr_t signal_pc; /* the program's call of raise, kill... in progress, or 0 */
    /* The last signal's interrupted frames (intercept_signal.c,
     * interrupted_frames) and what they were found for: the interrupted
     * pc and stack pointer and the shadow stack's depth and top. A thread
     * that signals keep interrupting in one place (a sleep, a wait) walks
     * its stack once. */
    struct crace_sig_frames {
        uintptr_t ip, sp, top;
        uint32_t depth, n;
        uintptr_t frames[16];
    } sig_frames;
    /* The program's handler running on this thread, innermost: the frame
     * of the call that runs it (0: none) and its signal. A jump out of
     * the handler (siglongjmp) clears them (crace_signal_jump). */
    uintptr_t handler_frame;
    int handler_sig;

    /* An atomic operation that releases is checked in the shadow before
     * its object's lock is let go (tsan_atomic.c), where no report may be
     * made: a race found then waits in held_report (the first one), and
     * is made by crace_reports_flush once the lock is let go. Only the
     * thread itself touches them. */
    bool reports_wait;
    struct crace_held_report {
        bool valid, freed; /* freed: a use of freed memory (old: the free) */
        uintptr_t addr;
        size_t size;
        uintptr_t pc;
        shadow_cell cur, old;
    } held_report;

    /* The last stacks crace_current_stack made from the shadow stack, by
     * the pc they start with (direct-mapped: crace_last_stack_of), with
     * the depth and the frames under it. A lock or a wait made at the
     * same place again (a loop) finds its id by comparing the frames,
     * without hashing them into the depot: a stack id names the same
     * frames for the life of the process. Only the thread itself touches
     * them, with its in_shim raised; pc 0: none. */
    struct crace_last_stack {
        uintptr_t pc;
        uint32_t depth;
        stack_id id;
        uintptr_t frames[CRACE_LAST_STACK_FRAMES];
    } last_stacks[CRACE_LAST_STACKS];
} crace_thread;

/* A bit of ignore, set with a signal deferred while the thread was inside
 * the detector, together with want = CRACE_WANT_NONE: no cell matches
 * that, so the next access goes to the slow path, which runs the signal's
 * handler first (a loop polling a flag the handler sets must not spin on
 * covered accesses forever). Tests of "is this thread ignoring accesses"
 * use crace_ignoring. */
#define CRACE_IGNORE_SIGNAL (1 << 30)

/* The epoch of the slot no thread is given (thread.c reserves it) at
 * clock 0, with the whole mask byte: no shadow cell ever has it (freed
 * marks have that slot, never clock 0). */
#define CRACE_WANT_NONE (sc_epoch(SC_RESERVED_SLOT, 0) | 0xff)

/* Sets t's epoch and the fast path's want with it. want is stored before
 * the deferred-signal bit is read: a signal deferred at any point of this
 * (its handler sets the bit, then want to CRACE_WANT_NONE, on this same
 * thread) leaves want at CRACE_WANT_NONE. Also called with t's epoch
 * unchanged, once the deferred signals have run. */
static inline void crace_thread_set_epoch(struct crace_thread *t, uint64_t epoch)
{
    t->epoch = epoch;
    __atomic_store_n(&t->want, epoch | 0xff, __ATOMIC_RELAXED);
    atomic_signal_fence(memory_order_seq_cst);
    if (__atomic_load_n(&t->ignore, __ATOMIC_RELAXED) & CRACE_IGNORE_SIGNAL)
        __atomic_store_n(&t->want, CRACE_WANT_NONE, __ATOMIC_RELAXED);
}

static inline bool crace_ignoring(const struct crace_thread *t)
{
    return (t->ignore & ~CRACE_IGNORE_SIGNAL) != 0;
}

/* The calling thread's state; created on first use for threads the shim
 * did not see start (the main thread, threads from before the shim). */
extern CRACE_EXPORT CRACE_TLS crace_thread *crace_cur;
crace_thread *crace_thread_attach(void);

static inline crace_thread *crace_thr(void)
{
    crace_thread *t = crace_cur;
    if (CRACE_UNLIKELY(!t))
        t = crace_thread_attach();
    return t;
}

/* The program's own brackets of code not to check (ThreadSanitizer's
 * __tsan_ignore_thread_begin/end, the dynamic annotations, the inside of
 * a custom mutex): one count per thread; an end without its begin does
 * nothing. */
static inline void crace_ignore_begin(void)
{
    crace_thr()->ignore++;
}

static inline void crace_ignore_end(void)
{
    crace_thread *t = crace_thr();
    if (crace_ignoring(t))
        t->ignore--;
}

/* The same for the compiler ABI's hooks, which instrumented code may call
 * before the shim is initialised, even before libc can be called: an
 * ifunc resolver (a target_clones function's) runs while the dynamic
 * loader relocates the program. NULL then: the call is not checked. */
static inline crace_thread *crace_thr_hook(void)
{
    crace_thread *t = crace_cur;
    if (CRACE_UNLIKELY(!t) && crace_inited)
        t = crace_thread_attach();
    return t;
}

/* pthread_create: the parent prepares the child (slot, clock inherited
 * from the parent: creation happens before the start), the child adopts
 * it in its start routine. */
crace_thread *crace_thread_prepare(crace_thread *parent, stack_id creation);
void crace_thread_start(crace_thread *child);
/* The creator learned the child's handle (the child may not run yet, or
 * may have ended): from now on a pthread_detach or join of th finds it,
 * and the creator no longer touches the record. */
void crace_thread_created(crace_thread *child, pthread_t th);
/* Undo crace_thread_prepare when the real pthread_create failed. */
void crace_thread_abandon(crace_thread *child);
/* The thread ends: its clock is published for a joiner; its slot becomes
 * reusable. */
void crace_thread_finish(crace_thread *t);
/* Before a join or a detach of th: the thread it names (running, or
 * finished and not joined yet), or NULL; then *spent says whether th's
 * thread was joined or detached already (and th not given to a new
 * thread since): a misuse. */
crace_thread *crace_thread_joinable(pthread_t th, bool *spent);
/* After a successful join of th, whose thread was target (from
 * crace_thread_joinable): the joiner acquires its final clock, and its
 * record is freed. */
void crace_thread_joined(crace_thread *joiner, pthread_t th, crace_thread *target);
void crace_thread_detached(pthread_t th);

/* A thread that finished and that nobody joined or detached: its stack
 * and glibc's record of it stay allocated until somebody does. */
struct crace_unjoined {
    uint64_t gid, parent_gid;
    stack_id creation;
};

/* Copies up to max of them into out (in the order they finished);
 * returns how many there are. Goroutine 1 and the detector's own threads
 * are left out. */
size_t crace_thread_unjoined(struct crace_unjoined *out, size_t max);

/* Advances t's clock after a release, logging the new epoch. */
void crace_thread_tick(crace_thread *t);

/* The live thread whose handle is th, or NULL. */
crace_thread *crace_thread_by_pthread(pthread_t th);
/* The live thread of goroutine gid, or NULL. */
crace_thread *crace_thread_by_gid(uint64_t gid);
/* Calls fn for every live thread, under the registry lock (fn must not
 * take it or call into the program). */
void crace_thread_foreach(void (*fn)(crace_thread *t, void *arg), void *arg);

/* Goroutine info for reports about slot at clock: gid and creation stack
 * of whoever owned the slot then. False when that is no longer known. */
bool crace_slot_owner(uint32_t slot, uint64_t clock, uint64_t *gid, stack_id *creation, bool *finished);
/* hist_restore on slot's ring, with its owner (if any) kept from giving
 * it up meanwhile; 0 frames when the slot has no ring. */
size_t crace_slot_restore(uint32_t slot, uint64_t clock, uintptr_t granule_addr, unsigned mask, bool is_write,
                          bool is_atomic, uintptr_t *out, size_t max);
/* Finds the thread whose stack or static TLS (then *tls) contains addr
 * (for "Location is stack of goroutine N", "TLS of"); its gid or 0. */
uint64_t crace_stack_owner(uintptr_t addr, bool *tls);

/* t takes h's writer's end, or gives it back (and logs no more: every
 * event then takes the slow path, which drops it). Under thread.c's
 * reg_lock, which readers hold (crace_slot_restore). */
void crace_shstack_grow(struct crace_thread *t, uint32_t room);

/* Gives t's shadow stack room for at least room more entries. */
static inline void crace_shstack_reserve(struct crace_thread *t, uint32_t room)
{
    if (CRACE_UNLIKELY(t->shcap - t->depth < room))
        crace_shstack_grow(t, room);
}

static inline void crace_hist_adopt(struct crace_thread *t, hist_t *h)
{
    crace_shstack_reserve(t, HIST_CHECK_WORDS);
    t->hist = h;
    atomic_store_explicit(&t->hist_pos, atomic_load_explicit(&h->pos, memory_order_relaxed), memory_order_relaxed);
    t->hist_lap = h->lap;
}

static inline void crace_hist_give_back(struct crace_thread *t)
{
    hist_t *h = t->hist;
    if (!h)
        return;
    h->lap = t->hist_lap;
    atomic_store_explicit(&h->pos, atomic_load_explicit(&t->hist_pos, memory_order_relaxed), memory_order_release);
    t->hist = NULL;
    atomic_store_explicit(&t->hist_pos, 0, memory_order_relaxed);
}

/* Stores w at pos, the writer's position, and publishes it. */
static inline void crace_hist_store(crace_thread *t, uint64_t pos, uint64_t w)
{
    *(uint64_t *)(t->hist_lap + pos * sizeof(uint64_t)) = w;
    atomic_store_explicit(&t->hist_pos, pos + 1, memory_order_release);
}

/* Appends an event word to t's history, snapshotting at part starts.
 * The caller has raised crace_busy: a signal handler's events must not
 * interleave with the ones it writes (a multi-word event, a stack push).
 * A finished thread has no ring: nothing is written. */
static inline void crace_hist_put_busy(crace_thread *t, uint64_t w)
{
    uint64_t pos = atomic_load_explicit(&t->hist_pos, memory_order_relaxed);
    if (CRACE_UNLIKELY(pos % HIST_CHECK_WORDS == 0)) {
        if (!t->hist)
            return;
        if ((pos & t->hist->part_mask) == 0) {
            hist_new_part(t->hist, pos, &t->hist_lap, t->shstack, t->depth, t->vc.clk[t->slot]);
            t->hist_pc_base = 0; /* a replay from here knows no earlier pc */
        }
        crace_shstack_reserve(t, HIST_CHECK_WORDS);
    }
    crace_hist_store(t, pos, w);
}

/* crace_hist_put_busy's common case alone, for a hot caller that keeps
 * the rest (and the registers it needs) out of line: false, and nothing
 * written, when w would start a part. */
static inline bool crace_hist_put_inside(crace_thread *t, uint64_t w)
{
    uint64_t pos = atomic_load_explicit(&t->hist_pos, memory_order_relaxed);
    if (CRACE_UNLIKELY(pos % HIST_CHECK_WORDS == 0))
        return false;
    crace_hist_store(t, pos, w);
    return true;
}

/* The same for a caller that has not. */
static inline void crace_hist_put(crace_thread *t, uint64_t w)
{
    crace_busy++;
    crace_hist_put_busy(t, w);
    crace_busy--;
}

/* Threads spread their records over a granule's inline cells by slot,
 * so that data several threads read (each with a cell of its own) is
 * found at the first cell each of them looks at, as private data is. */
static inline uint32_t crace_own_cell(uint32_t slot)
{
    return (uint32_t)((slot % SHADOW_INLINE) * SHADOW_PLANE_BYTES);
}

/* Raises the calling thread's in_shim and ignore around the shim's own
 * work (libdw, file output, rule matching): interceptors pass straight
 * through and nothing is checked or recorded. Harmless when the caller
 * is inside already; a thread the shim has not attached yet (NULL) has
 * nothing to raise. */
static inline crace_thread *crace_shim_enter(void)
{
    crace_thread *t = crace_cur;
    if (t) {
        t->in_shim++;
        t->ignore++;
    }
    return t;
}

static inline void crace_shim_leave(crace_thread *t)
{
    if (t) {
        t->ignore--;
        t->in_shim--;
    }
}

/* crace_hist_put_access's pair when it starts a part or would straddle
 * one (thread.c). */
void crace_hist_put_pair_slow(crace_thread *t, uint64_t w, uint64_t pc);

/* Appends an access event of size bytes at addr by pc; kind: 8 for a
 * write, | 16 for an atomic access (history.h). One word (EV_ACCESS_NEAR)
 * when the access is at most 8 bytes and pc lies near the thread's
 * previous access event in this part, else two (EV_ACCESS, then the
 * pc), never straddling a part start. Under crace_busy of its own. */
static inline __attribute__((always_inline)) void crace_hist_put_access_kind(crace_thread *t, uintptr_t addr,
                                                                             size_t size, unsigned kind,
                                                                             uintptr_t pc)
{
    crace_busy++;
    uint64_t pos = atomic_load_explicit(&t->hist_pos, memory_order_relaxed);
    const uint64_t check_mask = HIST_CHECK_WORDS - 1;
    uint64_t delta = (uint64_t)pc - t->hist_pc_base + HIST_NEAR_SPAN;
    /* A base of 0 (none in this part) is never near a real pc; sizes 1
     * to 8 fit the short form. */
    if (CRACE_LIKELY(delta < 2 * HIST_NEAR_SPAN && size - 1 < 8 && (pos & check_mask) != 0)) {
        uint64_t w = ((uint64_t)addr << 17) | ((delta - HIST_NEAR_SPAN) & ((1u << HIST_NEAR_BITS) - 1)) << 8 |
                     (uint64_t)(size - 1) << 5 | kind | EV_ACCESS_NEAR;
        crace_hist_store(t, pos, w);
    } else {
        if (size > HIST_MAX_ACCESS_SIZE)
            size = HIST_MAX_ACCESS_SIZE;
        uint64_t w = ((uint64_t)addr << 17) | ((uint64_t)size << 5) | kind | EV_ACCESS;
        if (CRACE_LIKELY((pos & check_mask) != 0 && ((pos + 1) & check_mask) != 0)) {
            /* Neither word takes the slow path: no snapshot to take,
             * no room to make, one publication for the pair. */
            uint64_t *at = (uint64_t *)(t->hist_lap + pos * sizeof(uint64_t));
            at[0] = w;
            at[1] = pc;
            atomic_store_explicit(&t->hist_pos, pos + 2, memory_order_release);
        } else {
            crace_hist_put_pair_slow(t, w, pc);
        }
    }
    t->hist_pc_base = pc;
    crace_busy--;
}

/* The same for an access the shadow records as cell cur, of at most 8
 * bytes: its write and atomic bits are the kind, moved into place. */
_Static_assert(SC_WRITE_BIT >> 5 == 8 && SC_ATOMIC_BIT >> 5 == 16, "a cell's kind bits are an event's, shifted");
static inline __attribute__((always_inline)) void crace_hist_put_cell_access(crace_thread *t, uintptr_t addr,
                                                                             size_t size, shadow_cell cur,
                                                                             uintptr_t pc)
{
    crace_hist_put_access_kind(t, addr, size, (unsigned)(cur >> 5) & 24, pc);
}

/* Appends an access event. */
static inline void crace_hist_put_access(crace_thread *t, uintptr_t addr, size_t size, bool is_write,
                                         bool is_atomic, uintptr_t pc)
{
    crace_hist_put_access_kind(t, addr, size, (is_atomic ? 16u : 0u) | (is_write ? 8u : 0u), pc);
}

#endif /* CRACE_THREAD_H */
