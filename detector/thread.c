/* thread.c: the thread registry, slots and goroutine numbers (thread.h). */
#include "thread.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "access.h"
#include "deadlock.h"
#include "fork.h"
#include "intercept_signal.h"
#include "lock.h"
#include "shimlock.h"
#include "options.h"
#include "sync.h"

CRACE_EXPORT CRACE_TLS crace_thread *crace_cur;
void (*crace_signal_runner)(crace_thread *t, uintptr_t at);

/* What a report needs to know about the goroutines that owned a slot. */
#define SLOT_OWNERS 4
struct slot_owner {
    uint64_t start_clock; /* first clock of this owner */
    uint64_t gid;
    stack_id creation;
    bool finished;
};

struct slot_info {
    crace_thread *owner;      /* NULL while free */
    uint64_t final_clock;     /* last clock any owner used */
    uint64_t needed_clock;    /* last clock in a shadow cell: a reuser must know it */
    hist_t *hist;
    struct slot_owner owners[SLOT_OWNERS]; /* ring, newest at owners_head */
    uint32_t owners_head;
    uint32_t next_free;       /* free-list link, valid while free */
};

/* reg_lock protects everything below. Order: reg_lock before a sync
 * bucket lock; never held across a call into the program. */
static gc_lock_t reg_lock = GC_LOCK_INIT;
static struct slot_info *slots;
static uint32_t n_slots, cap_slots;
#define NO_SLOT UINT32_MAX
/* Free slots, a queue: freed at the tail, taken from the head. The
 * oldest free slots are the likeliest to be usable (their last owner's end
 * has had the most time to reach a creator: a join, a WaitGroup); a stack
 * would offer the slots of threads that ended a moment ago first, which no
 * creator knows yet, and a program starting short goroutines would then
 * take a new slot for each. */
static uint32_t free_head = NO_SLOT, free_tail = NO_SLOT;
static uint64_t next_gid = 1;
/* Internal threads' numbers, far from the program's: shown only if a
 * report ever names one. */
static uint64_t next_internal_gid = 1ull << 32;
static crace_thread *all_threads;

/* How many free slots to try before taking a new one: a free slot is
 * usable only by a creator that knows its last owner's end. */
#define SLOT_REUSE_TRIES 16

/* Every part start must be a position the writer checks (history.h):
 * the smallest ring's parts hold a multiple of HIST_CHECK_WORDS. */
_Static_assert((((size_t)1 << HIST_MIN_BYTES_LOG2) / sizeof(uint64_t) / HIST_PARTS) % HIST_CHECK_WORDS == 0,
               "a history part holds a whole number of check intervals");

static size_t hist_words(void)
{
    long n = crace_opts.history_size;
    if (n < 0 || n > 7)
        n = 2;
    return ((size_t)1 << (HIST_MIN_BYTES_LOG2 + n)) / sizeof(uint64_t);
}

/* Picks a slot for a thread created by parent (NULL: unknown creator).
 * Under reg_lock. */
static uint32_t slot_take(const crace_thread *parent)
{
    uint32_t *link = &free_head, prev = NO_SLOT;
    for (int tries = 0; *link != NO_SLOT && tries < SLOT_REUSE_TRIES; tries++) {
        uint32_t s = *link;
        if (parent && vc_get(&parent->vc, s) >= slots[s].needed_clock) {
            *link = slots[s].next_free;
            if (free_tail == s)
                free_tail = prev;
            return s;
        }
        prev = s;
        link = &slots[s].next_free;
    }
    /* The last slot is never given: it marks freed memory in the shadow,
     * and CRACE_WANT_NONE is its epoch (shadow.h). */
    CHECK(n_slots < SC_RESERVED_SLOT);
    if (n_slots == cap_slots) {
        cap_slots = cap_slots ? cap_slots * 2 : 64;
        slots = crace_realloc(slots, cap_slots * sizeof(slots[0]));
        memset(slots + n_slots, 0, (cap_slots - n_slots) * sizeof(slots[0]));
    }
    uint32_t s = n_slots++;
    slots[s].hist = hist_create(hist_words());
    return s;
}

static crace_thread *thread_new(crace_thread *parent, stack_id creation)
{
    crace_thread *t = crace_alloc_lines(sizeof(*t), true);
    vc_init(&t->vc);
    vc_init(&t->final_vc);
    /* Allocated, not cleared: only depth entries are ever read, and
     * most of the room (history.h, HIST_CHECK_WORDS) is never touched. */
    t->shcap = 2 * HIST_CHECK_WORDS;
    t->shstack = crace_alloc_lines(t->shcap * sizeof(uintptr_t), false);
    t->creation_stack = creation;
    atomic_store(&t->state, THREAD_RUNNING);

    /* libgochan's own thread takes no goroutine number: the program's
     * goroutines are numbered as without the detector. */
    bool internal = parent && parent->creating_internal;
    if (internal) {
        parent->creating_internal = false;
        t->internal = true;
    }
    crace_lock(&reg_lock);
    uint32_t s = slot_take(parent);
    struct slot_info *si = &slots[s];
    si->owner = t;
    t->slot = s;
    t->own_cell = crace_own_cell(s);
    crace_hist_adopt(t, si->hist);
    t->gid = internal ? next_internal_gid++ : next_gid++;
    t->parent_gid = parent ? parent->gid : 0;
    uint64_t start = si->final_clock + 1;
    si->owners_head = (si->owners_head + 1) % SLOT_OWNERS;
    si->owners[si->owners_head] = (struct slot_owner){start, t->gid, creation, false};
    t->next = all_threads;
    t->prev = NULL;
    if (all_threads)
        all_threads->prev = t;
    all_threads = t;
    t->listed = true;
    crace_unlock(&reg_lock);

    /* The creator's past happens before the child's start. */
    if (parent)
        vc_copy(&t->vc, &parent->vc);
    vc_set(&t->vc, s, start);
    crace_thread_set_epoch(t, sc_epoch(s, start));
    dl_thread_created(t);
    return t;
}

/* Starts t's history: the slot may hold a previous owner's events. */
static void hist_begin(crace_thread *t)
{
    crace_hist_put(t, EV_RESET);
    crace_hist_put(t, ((uint64_t)t->vc.clk[t->slot] << 3) | EV_EPOCH);
}

/* glibc's size of the static TLS block, the thread's control block
 * included (ld.so, GLIBC_PRIVATE: looked up, not linked); 0 when not
 * known. */
typedef void (*tls_static_info_fn)(size_t *size, size_t *align);

static size_t tls_static_size(void)
{
    static _Atomic size_t size = SIZE_MAX;
    size_t n = atomic_load_explicit(&size, memory_order_relaxed);
    if (n == SIZE_MAX) {
        tls_static_info_fn fn = (tls_static_info_fn)dlsym(RTLD_DEFAULT, "_dl_get_tls_static_info");
        size_t align = 0;
        n = 0;
        if (fn)
            fn(&n, &align);
        atomic_store_explicit(&size, n, memory_order_relaxed);
    }
    return n;
}

/* The main thread's static TLS: its modules' blocks, as the loader
 * reports them to the calling thread. */
static int main_tls_block(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    crace_thread *t = arg;
    if (!info->dlpi_tls_data)
        return 0;
    for (unsigned i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_TLS)
            continue;
        uintptr_t lo = (uintptr_t)info->dlpi_tls_data, hi = lo + ph->p_memsz;
        if (!t->tls_hi || lo < t->tls_lo)
            t->tls_lo = lo;
        if (hi > t->tls_hi)
            t->tls_hi = hi;
    }
    return 0;
}

/* t's static TLS (for "Location is TLS of"), x86-64's layout: the blocks
 * sit below the thread pointer, and a thread glibc made has them at the
 * top of its stack's mapping, under its control block, with the stack
 * right below. The main thread's are elsewhere: asked of the loader. */
static void tls_bounds(crace_thread *t, bool is_main)
{
#if defined(__x86_64__)
    if (is_main) {
        dl_iterate_phdr(main_tls_block, t);
        return;
    }
    size_t size = tls_static_size();
    uintptr_t tp = (uintptr_t)pthread_self();
    if (size && t->stack_hi > tp && t->stack_hi - size < tp) {
        t->tls_lo = t->stack_hi - size;
        t->tls_hi = tp;
    }
#else
    (void)t;
    (void)is_main;
#endif
}

static void stack_bounds(crace_thread *t)
{
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return;
    void *addr;
    size_t size;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
        t->stack_lo = (uintptr_t)addr;
        t->stack_hi = (uintptr_t)addr + size;
    }
    pthread_attr_destroy(&attr);
}

crace_thread *crace_thread_attach(void)
{
    if (!crace_inited) {
        /* Instrumented code running before the shim's constructor. */
        crace_init();
        if (crace_cur)
            return crace_cur;
    }
    crace_thread *t = thread_new(NULL, 0);
    crace_cur = t;
    t->created = true;
    t->tid = gettid();
    dl_thread_tid(t);
    t->in_shim++;
    t->pthread = pthread_self();
    stack_bounds(t);
    tls_bounds(t, t->tid == getpid());
    t->in_shim--;
    hist_begin(t);
    return t;
}

crace_thread *crace_thread_prepare(crace_thread *parent, stack_id creation)
{
    crace_thread *t = thread_new(parent, creation);
    /* The parent's later actions must not look ordered before the child. */
    crace_thread_tick(parent);
    return t;
}

/* Under reg_lock. */
static void unlink_thread(crace_thread *t)
{
    if (!t->listed)
        return;
    t->listed = false;
    if (t->prev)
        t->prev->next = t->next;
    else
        all_threads = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->next = t->prev = NULL;
}

/* Gives t's slot back; final is the last clock it used. Under reg_lock. */
static void slot_release(crace_thread *t, uint64_t final)
{
    struct slot_info *si = &slots[t->slot];
    crace_hist_give_back(t);
    si->owner = NULL;
    si->final_clock = final;
    si->needed_clock = t->used_clock;
    si->owners[si->owners_head].finished = true;
    si->next_free = NO_SLOT;
    if (free_tail == NO_SLOT)
        free_head = t->slot;
    else
        slots[free_tail].next_free = t->slot;
    free_tail = t->slot;
}

void crace_thread_abandon(crace_thread *t)
{
    dl_thread_gone(t);
    crace_lock(&reg_lock);
    unlink_thread(t);
    slot_release(t, t->vc.clk[t->slot]);
    crace_unlock(&reg_lock);
    vc_destroy(&t->vc);
    crace_free(t->shstack);
    crace_free(t);
}

void crace_thread_start(crace_thread *t)
{
    crace_cur = t;
    t->tid = gettid();
    dl_thread_tid(t);
    t->in_shim++;
    crace_lock(&reg_lock);
    t->pthread = pthread_self();
    crace_unlock(&reg_lock);
    stack_bounds(t);
    tls_bounds(t, false);
    /* A cached stack may hold a dead thread's accesses: fresh memory. */
    if (t->stack_hi)
        shadow_reset(t->stack_lo, t->stack_hi - t->stack_lo);
    t->in_shim--;
    hist_begin(t);
}

static void free_record(void *p);

/*
 * Finished threads nobody joined or detached yet, linked by unext and
 * uprev: a record goes on the list before its joiner or detacher can
 * find it (crace_thread_finish) and off it as it is taken (joined,
 * detached, or its handle's object dropped). Kept only for the leak check
 * that reports them (leak_check=running). unjoined_lock protects the list
 * and each record's unext, uprev and unjoined (which is set before the
 * record is published, so a taker may read it unlocked); a leaf lock,
 * taken under a sync object's lock, nothing taken under it.
 */
static gc_lock_t unjoined_lock = GC_LOCK_INIT;
static crace_thread *unjoined;

static void unjoined_add(crace_thread *t)
{
    const char *mode = crace_opts.leak_check;
    if (!crace_opts.detect_deadlocks || !mode || mode[0] != 'r')
        return;
    crace_lock(&unjoined_lock);
    t->uprev = NULL;
    t->unext = unjoined;
    if (unjoined)
        unjoined->uprev = t;
    unjoined = t;
    t->unjoined = true;
    crace_unlock(&unjoined_lock);
}

static void unjoined_remove(crace_thread *t)
{
    if (!t->unjoined)
        return;
    crace_lock(&unjoined_lock);
    if (t->unjoined) {
        if (t->uprev)
            t->uprev->unext = t->unext;
        else
            unjoined = t->unext;
        if (t->unext)
            t->unext->uprev = t->uprev;
        t->unext = t->uprev = NULL;
        t->unjoined = false;
    }
    crace_unlock(&unjoined_lock);
}

size_t crace_thread_unjoined(struct crace_unjoined *out, size_t max)
{
    size_t n = 0;
    crace_lock(&unjoined_lock);
    /* The list is newest first. */
    crace_thread *last = unjoined;
    while (last && last->unext)
        last = last->unext;
    for (crace_thread *t = last; t; t = t->uprev) {
        if (t->gid <= 1 || t->internal)
            continue;
        if (n < max)
            out[n] = (struct crace_unjoined){t->gid, t->parent_gid, t->creation_stack};
        n++;
    }
    crace_unlock(&unjoined_lock);
    return n;
}

/*
 * Finished detached threads. Their records cannot go when they finish:
 * the thread still runs its TLS destructors and libc's exit path, which
 * call into the shim with crace_cur pointing at the record. Once the
 * kernel no longer knows the thread (tgkill with signal 0 says ESRCH),
 * nothing can use it, and it is freed, unless its creator has yet to
 * return from pthread_create, which writes the handle into the record
 * (crace_thread_created): a detached child may start, end and be gone
 * from the kernel before that (a tree of goroutines that start two and
 * return: the write landed in freed memory, glibc's allocator aborted).
 * A later thread given the same thread id only delays that. Swept when
 * GRAVEYARD_SWEEP more have gathered, so a program starting goroutines
 * all the time keeps a bounded number. Under reg_lock; t->next links the
 * list (the thread list no longer holds them).
 */
enum { GRAVEYARD_SWEEP = 64 };
static crace_thread *graveyard;
static size_t graveyard_n, graveyard_swept_at;

/* Adds t and takes out the records whose thread is gone, returned as a
 * list for the caller to free once reg_lock is released. */
static crace_thread *graveyard_add(crace_thread *t)
{
    t->next = graveyard;
    graveyard = t;
    graveyard_n++;
    if (graveyard_n < graveyard_swept_at + GRAVEYARD_SWEEP)
        return NULL;
    crace_thread *gone = NULL;
    pid_t pid = getpid();
    for (crace_thread **pp = &graveyard; *pp;) {
        crace_thread *g = *pp;
        if (g->created && g->tid && syscall(SYS_tgkill, pid, g->tid, 0) != 0 && errno == ESRCH) {
            *pp = g->next;
            g->next = gone;
            gone = g;
            graveyard_n--;
        } else {
            pp = &g->next;
        }
    }
    graveyard_swept_at = graveyard_n;
    return gone;
}

static void free_records(crace_thread *list)
{
    while (list) {
        crace_thread *next = list->next;
        free_record(list);
        list = next;
    }
}

/* The finished records published under one pthread_t, when its sync
 * object goes (its memory was unmapped, say). */
static void free_records_void(void *p)
{
    for (crace_thread *t = p, *next; t; t = next) {
        next = t->fnext;
        unjoined_remove(t);
        free_record(t);
    }
}

void crace_thread_finish(crace_thread *t)
{
    if (atomic_load(&t->state) == THREAD_FINISHED)
        return;
    t->in_shim++;
    /* Published under the pthread_t for the joiner. No tick: the thread
     * does nothing more, and its slot's last clock stays the one the
     * joiner learns, so the joiner can reuse the slot. The clock is moved,
     * not copied: with 10,000 threads a clock is 80 KB. */
    uint64_t final = t->vc.clk[t->slot];
    /* Published: the record is the sync object's from then on, for the
     * joiner or a later pthread_detach (crace_thread_detached) to take;
     * otherwise, detached, it goes to the graveyard below. Whether it is
     * detached is asked again under the object's lock, which a detach
     * takes after setting the flag: a detach that came first finds
     * nothing published and leaves the record here; one that comes after
     * takes it. Asked once, without the lock, a detach in between left
     * the record published and graveyarded both, freed twice. */
    bool published = false;
    if (!__atomic_load_n(&t->detached, __ATOMIC_RELAXED)) {
        sync_var *s = sync_lock((uintptr_t)t->pthread, true, 0);
        if (!__atomic_load_n(&t->detached, __ATOMIC_RELAXED)) {
            unjoined_add(t);
            vc_move(&t->final_vc, &t->vc);
            /* The joiner frees the record (see crace_thread_joined).
             * Pushed, not put: a record still there is an earlier
             * thread's with the same handle, whose joiner is between the
             * real join and taking it. */
            t->fnext = s->ext;
            s->ext = t;
            s->ext_free = free_records_void;
            published = true;
        }
        sync_unlock(s);
    }
    atomic_store(&t->state, THREAD_FINISHED);
    /* A joiner may run now; the goroutines left may all be waiting. */
    dl_wake((uintptr_t)t->pthread);
    dl_thread_gone(t);
    crace_lock(&reg_lock);
    unlink_thread(t);
    slot_release(t, final);
    crace_thread *gone = t->detached && (!published || t->detach_took) ? graveyard_add(t) : NULL;
    crace_unlock(&reg_lock);
    free_records(gone);
    /* From here on the thread (TLS destructors, libc's exit path) is no
     * longer checked, and its slot may already belong to someone else: it
     * keeps only a one-entry clock and its shadow stack; it gave its
     * history ring back with the slot. */
    t->ignore++;
    vc_destroy(&t->vc);
    t->slot = 0;
    t->own_cell = crace_own_cell(0);
    vc_set(&t->vc, 0, final);
}

void crace_thread_created(crace_thread *child, pthread_t th)
{
    crace_lock(&reg_lock);
    child->pthread = th;
    child->created = true;
    crace_unlock(&reg_lock);
}

/* A finished thread's record, freed by its joiner: pthread_join returns
 * only once the thread has fully exited, TLS destructors included, so
 * nothing uses it any more. A detached thread's goes through the
 * graveyard. */
static void free_record(void *p)
{
    crace_thread *t = p;
    vc_destroy(&t->vc);
    vc_destroy(&t->final_vc);
    crace_free(t->shstack);
    crace_free(t);
}

crace_thread *crace_thread_joinable(pthread_t th, bool *spent)
{
    /* The newest thread under th decides: one that runs, then one that
     * finished and waits for its joiner. Without either, th is spent when
     * a thread under it was detached (running, or finished and waiting in
     * the graveyard for its end) or joined (its object left empty by
     * crace_thread_joined). */
    crace_thread *found = NULL;
    bool detached = false;
    crace_lock(&reg_lock);
    for (crace_thread *t = all_threads; t && !found && !detached; t = t->next) {
        if (!pthread_equal(t->pthread, th))
            continue;
        if (t->detached)
            detached = true;
        else
            found = t;
    }
    crace_unlock(&reg_lock);
    *spent = detached;
    if (found || detached)
        return found;
    bool joined = false;
    sync_var *s = sync_lock((uintptr_t)th, false, 0);
    if (s) {
        if (s->ext_free == free_records_void) {
            found = s->ext; /* the newest record: th's thread now */
            joined = !found;
        }
        sync_unlock(s);
    }
    if (found)
        return found;
    crace_lock(&reg_lock);
    for (crace_thread *t = graveyard; t && !detached; t = t->next)
        detached = pthread_equal(t->pthread, th);
    crace_unlock(&reg_lock);
    *spent = joined || detached;
    return NULL;
}

/* The joiner takes target's record from the ones published under th: by
 * identity, not by handle. Once the real join has returned, glibc may
 * give th to a new thread, which may finish (and publish under th) before
 * this runs; taking whatever th held freed that thread's record while it
 * was still ending. */
void crace_thread_joined(crace_thread *joiner, pthread_t th, crace_thread *target)
{
    if (!target)
        return;
    bool taken = false;
    sync_var *s = sync_lock((uintptr_t)th, false, 0);
    if (s) {
        if (s->ext_free == free_records_void) {
            for (crace_thread **pp = (crace_thread **)&s->ext; *pp; pp = &(*pp)->fnext) {
                if (*pp == target) {
                    *pp = target->fnext;
                    taken = true;
                    break;
                }
            }
        }
        sync_unlock(s);
    }
    /* The handle's object stays, empty: forgetting it here could take a
     * record a new thread with the same handle publishes meanwhile. glibc
     * reuses handles, so there are at most as many as threads ever alive
     * at once. */
    if (taken) {
        unjoined_remove(target);
        vc_join(&joiner->vc, &target->final_vc);
        free_record(target);
    }
}

void crace_thread_detached(pthread_t th)
{
    crace_lock(&reg_lock);
    for (crace_thread *t = all_threads; t; t = t->next)
        if (pthread_equal(t->pthread, th))
            __atomic_store_n(&t->detached, true, __ATOMIC_RELAXED);
    crace_unlock(&reg_lock);
    /* Detached after it finished: it may still be running its TLS
     * destructors, so its record must outlive the published clock. It is
     * the newest record under th; older ones (see crace_thread_joined)
     * stay for their joiners. */
    sync_var *s = sync_lock((uintptr_t)th, false, 0);
    crace_thread *finished = NULL;
    if (s) {
        if (s->ext_free == free_records_void && s->ext) {
            finished = s->ext;
            s->ext = finished->fnext;
        }
        sync_unlock(s); /* the object stays: see crace_thread_joined */
    }
    if (finished) {
        unjoined_remove(finished);
        crace_lock(&reg_lock);
        /* Its thread may be between publishing it and leaving the
         * all-threads list, whose link graveyard_add would overwrite:
         * then the thread adds it itself (crace_thread_finish). */
        crace_thread *gone = NULL;
        if (finished->listed)
            finished->detach_took = true;
        else
            gone = graveyard_add(finished);
        crace_unlock(&reg_lock);
        free_records(gone);
    }
}

void crace_thread_tick(crace_thread *t)
{
    uint64_t c = t->vc.clk[t->slot] + 1;
    CHECK(c <= SC_MAX_CLOCK);
    t->vc.clk[t->slot] = c;
    crace_thread_set_epoch(t, sc_epoch(t->slot, c));
    crace_hist_put(t, (c << 3) | EV_EPOCH);
}

bool crace_slot_owner(uint32_t slot, uint64_t clock, uint64_t *gid, stack_id *creation, bool *finished)
{
    bool ok = false;
    crace_lock(&reg_lock);
    if (slot < n_slots) {
        struct slot_info *si = &slots[slot];
        const struct slot_owner *best = NULL;
        for (int i = 0; i < SLOT_OWNERS; i++) {
            const struct slot_owner *o = &si->owners[i];
            if (o->gid && o->start_clock <= clock && (!best || o->start_clock > best->start_clock))
                best = o;
        }
        /* The clock's owner is the one with the latest start at or below
         * it; if the ring no longer holds it, every kept start is above
         * the clock and nothing is claimed. */
        if (best) {
            *gid = best->gid;
            *creation = best->creation;
            *finished = best->finished;
            ok = true;
        }
    }
    crace_unlock(&reg_lock);
    return ok;
}

size_t crace_slot_restore(uint32_t slot, uint64_t clock, uintptr_t granule_addr, unsigned mask, bool is_write,
                          bool is_atomic, uintptr_t *out, size_t max)
{
    size_t n = 0;
    /* Held throughout: an owner gives its end of the ring back (and its
     * record may go) only under reg_lock. */
    crace_lock(&reg_lock);
    if (slot < n_slots) {
        struct slot_info *si = &slots[slot];
        const _Atomic uint64_t *pos = si->owner ? &si->owner->hist_pos : &si->hist->pos;
        n = hist_restore(si->hist, pos, clock, granule_addr, mask, is_write, is_atomic, out, max);
    }
    crace_unlock(&reg_lock);
    return n;
}

crace_thread *crace_thread_by_pthread(pthread_t th)
{
    crace_thread *found = NULL;
    crace_lock(&reg_lock);
    for (crace_thread *t = all_threads; t && !found; t = t->next)
        if (pthread_equal(t->pthread, th))
            found = t;
    crace_unlock(&reg_lock);
    return found;
}

crace_thread *crace_thread_by_gid(uint64_t gid)
{
    crace_thread *found = NULL;
    crace_lock(&reg_lock);
    for (crace_thread *t = all_threads; t && !found; t = t->next)
        if (t->gid == gid)
            found = t;
    crace_unlock(&reg_lock);
    return found;
}

void crace_thread_foreach(void (*fn)(crace_thread *t, void *arg), void *arg)
{
    crace_lock(&reg_lock);
    for (crace_thread *t = all_threads; t; t = t->next)
        fn(t, arg);
    crace_unlock(&reg_lock);
}

uint64_t crace_stack_owner(uintptr_t addr, bool *tls)
{
    uint64_t gid = 0;
    *tls = false;
    crace_lock(&reg_lock);
    for (crace_thread *t = all_threads; t; t = t->next) {
        if (addr >= t->tls_lo && addr < t->tls_hi) {
            gid = t->gid;
            *tls = true;
            break;
        }
        if (addr >= t->stack_lo && addr < t->stack_hi)
            gid = t->gid;
    }
    crace_unlock(&reg_lock);
    return gid;
}

/* In the child of a fork, everything another thread did before the fork
 * happens before all the child does: the child's memory is a copy taken
 * at the fork, with those threads' writes in it, and the threads do not
 * exist in it to race with (a pool the child re-initialises from its fork
 * handler, as libuv's does, was reported racing with its parked
 * workers' last writes). The forking thread's clock takes each one's
 * epoch; t is stopped in the child, its epoch a plain word. */
static void fork_order_after(crace_thread *self, const crace_thread *t)
{
    crace_clock_t c = t->epoch >> SC_CLOCK_SHIFT;
    if (self && c > vc_get(&self->vc, t->slot))
        vc_set(&self->vc, t->slot, c);
}

/* In the child of a fork, the forking thread is the only one: the others
 * leave the registry as if they had ended at the fork, ordered before it
 * (fork_order_after). Their slots are retired, not put on
 * the free list: a thread may have been anywhere in its own bookkeeping
 * (its clock already moved out by crace_thread_finish), so the last clock
 * it used is not known for sure, and a reuser could not be proved to come
 * after it. Their records are not freed: a sync object or a report may
 * still point at them. The forking thread keeps its goroutine and its
 * clock, so all it did before the fork happens before all it does in the
 * child; only its kernel thread id changes (glibc's lock owners name the
 * new one). */
void crace_thread_fork(enum crace_fork_phase phase)
{
    crace_fork_lock(&reg_lock, phase);
    crace_fork_lock(&unjoined_lock, phase);
    if (phase != CRACE_FORK_CHILD)
        return;
    crace_thread *self = crace_cur;
    /* The parent's finished threads are not the child's to join. */
    for (crace_thread *t = unjoined; t; t = t->unext) {
        fork_order_after(self, t);
        t->unjoined = false;
    }
    unjoined = NULL;
    for (crace_thread *t = all_threads, *next; t; t = next) {
        next = t->next;
        if (t == self)
            continue;
        fork_order_after(self, t);
        unlink_thread(t);
        struct slot_info *si = &slots[t->slot];
        if (si->owner == t) {
            crace_hist_give_back(t);
            si->owner = NULL;
            si->owners[si->owners_head].finished = true;
        }
        atomic_store(&t->state, THREAD_FINISHED);
        t->counted_live = false;
    }
    if (self)
        self->tid = gettid();
}

void crace_shstack_grow(crace_thread *t, uint32_t room)
{
    uint32_t cap = 2 * t->shcap;
    if (cap - t->depth < room)
        cap = t->depth + room;
    /* Moved rather than reallocated, to stay on lines of its own. */
    uintptr_t *grown = crace_alloc_lines(cap * sizeof(uintptr_t), false);
    memcpy(grown, t->shstack, t->depth * sizeof(uintptr_t));
    crace_free(t->shstack);
    t->shstack = grown;
    t->shcap = cap;
}

CRACE_NOINLINE void crace_hist_put_pair_slow(crace_thread *t, uint64_t w, uint64_t pc)
{
    if (!t->hist)
        return;
    uint64_t pos = atomic_load_explicit(&t->hist_pos, memory_order_relaxed);
    if (((pos + 1) & t->hist->part_mask) == 0)
        crace_hist_put_busy(t, 0); /* padding: the pair starts the next part */
    crace_hist_put_busy(t, w);
    crace_hist_put_busy(t, pc);
}
