/*
 * deadlock.c: goroutines blocked forever (deadlock.h).
 *
 * The guarantee: a global deadlock is reported when the last live
 * goroutine blocks forever while no timer is pending (event driven: the
 * blocking call itself finds it and asks each lock and semaphore waited
 * on whether it is really still taken; only semaphore and rwlock waits,
 * which that cannot fully settle, add a 60 ms confirmation); a cycle of goroutines each waiting for a
 * mutex held, or a thread to be joined, by the next is reported when it
 * closes, even while other goroutines run. Neither is reported while any
 * goroutine of the cycle or of the program could still make progress as
 * far as crace can see.
 *
 * dl_lock protects the blocked list, the token table and the counters.
 * Order: libgochan's channel lock, then dl_lock, then the thread registry
 * lock or a sync object lock. Reports are rendered under dl_lock: every
 * other goroutine is blocked then, or about to be.
 *
 * A contended mutex registers without dl_lock, and without writing any
 * line that other waiters write (a "light" wait): one global lock taken
 * twice per wait, and then even one shared counter, cost a contended
 * mutex a fifth of its time. The waiter publishes its wait in its own
 * record (dl_light) and marks its entry of tid_table blocked; a check
 * under dl_lock follows only when the mutex's holder is blocked itself or
 * unknown. That suffices: when every goroutine is asleep, or the wait
 * closes a cycle, the holder is blocked. A check that needs a light
 * waiter in the blocked list moves it there ("absorbs" it, a
 * compare-and-swap of its dl_light that the waiter's own unregistration
 * races with: whichever wins owns the record's removal); n_light_bound,
 * the threads that may be light waiters, says when a global check must
 * look for them. The light states and tid_table are sequentially
 * consistent: of two goroutines blocking at the same moment, each
 * publishing itself and then reading the other's state, at least one sees
 * the other, so a deadlock closed by both is checked by one.
 */
#include "deadlock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fork.h"
#include "glibc_state.h"
#include "intercept_signal.h"
#include "lock.h"
#include "lockorder.h"
#include "module.h"
#include "shimlock.h"
#include "options.h"
#include "report.h"
#include "report_json.h"
#include "stackdepot.h"
#include "stackfmt.h"
#include "sync.h"
#include "textbuf.h"

static gc_lock_t dl_lock = GC_LOCK_INIT;
static crace_thread *blocked_head;
/* n_blocked counts the blocked list. n_light_bound counts the threads
 * with dl_light_counted: each counts itself (without dl_lock) before its
 * first light wait, and stops counting when it blocks otherwise or ends,
 * so it is never below the number of light waiters outside the list. All
 * three are written under dl_lock but for that one increment. */
static _Atomic long n_live, n_blocked, n_light_bound;
static long n_timers;

/* crace_thread.dl_light. A waiter sets LIGHT_REGISTERED; a check under
 * dl_lock moves it to LIGHT_ABSORBED (into the blocked list), or the
 * waiter back to LIGHT_NONE, whichever comes first. */
enum dl_light { LIGHT_NONE, LIGHT_REGISTERED, LIGHT_ABSORBED };

/* Live goroutines by kernel thread id, which is how glibc's mutexes name
 * their holder. An entry is the thread with that id from its start to its
 * end (cleared under dl_lock), or-ed with TID_BLOCKED while it is counted
 * blocked (listed or light): set by the thread as it blocks, cleared by
 * whoever unblocks it, read by the waiters of a mutex it holds. Entries
 * are dereferenced under dl_lock only. Ids are spread so that threads
 * started together (consecutive ids) do not share a cache line: the low
 * three bits pick one of eight regions. 2^22 ids (PID_MAX_LIMIT on 64-bit
 * Linux): 32 MiB of address space, mapped with the first goroutine. */
#define TID_BITS 22
#define TID_BLOCKED ((uintptr_t)1)
static _Atomic uintptr_t *_Atomic tid_table;
/* Bumped by every change of the above. When a goroutine waits on a
 * semaphore or an rwlock, a global deadlock must hold still while
 * CONFIRM_ROUNDS x CONFIRM_NS pass before it is reported: a waiter counted
 * blocked that has in fact got through inside the real call (the object
 * was posted or freed between its try and its bracket) returns in that
 * time and changes the generation. The goroutine that waits out the
 * confirmation has checked that its own wait is real, so it is never the
 * one that would have to move. Other waits are settled at once (see
 * wait_is_real). */
static uint64_t generation;
#define CONFIRM_NS (30 * 1000 * 1000)
#define CONFIRM_ROUNDS 2

/* Blocked threads are also hashed by the token they parked with and by
 * the object they wait on, so a wake-up looks at one bucket, not at every
 * blocked goroutine (10,000 goroutines waiting on one condition variable
 * must not make every unlock elsewhere scan them all). */
#define TOKEN_BUCKETS 4096
static crace_thread *token_table[TOKEN_BUCKETS];
#define OBJ_BUCKETS 4096
static crace_thread *obj_table[OBJ_BUCKETS];
static long n_blocked_on_objects;

static const char *const object_names[] = {
#define WAIT_X(name, text) text,
    WAIT_OBJECTS(WAIT_X)
#undef WAIT_X
};

static unsigned token_bucket(const void *token)
{
    return (unsigned)(((uintptr_t)token >> 4) * 0x9e3779b1u >> 20) % TOKEN_BUCKETS;
}

static unsigned obj_bucket(uintptr_t obj)
{
    return (unsigned)((obj >> 3) * 0x9e3779b97f4a7c15ull >> 52) % OBJ_BUCKETS;
}

static _Atomic uintptr_t *tid_entry(pid_t tid)
{
    _Atomic uintptr_t *tab = atomic_load_explicit(&tid_table, memory_order_acquire);
    if (!tab || tid <= 0 || (uint32_t)tid >= 1u << TID_BITS)
        return NULL;
    return &tab[((uint32_t)(tid & 7) << (TID_BITS - 3)) | ((uint32_t)tid >> 3)];
}

/* t's entry: t, blocked or not. Only while t lives. An exchange, not a
 * store: both are sequentially consistent, but gcc makes the store a
 * store and an mfence, which costs more on this path than a locked
 * instruction (a contended lock 10-15 % of its time, measured). */
static void tid_mark(crace_thread *t, bool blocked)
{
    _Atomic uintptr_t *e = tid_entry(t->tid);
    if (e)
        atomic_exchange(e, (uintptr_t)t | (blocked ? TID_BLOCKED : 0));
}

/* The goroutine with kernel id tid if it is counted blocked (under
 * dl_lock: the caller confirms it with absorb). */
static crace_thread *tid_blocked(pid_t tid)
{
    _Atomic uintptr_t *e = tid_entry(tid);
    uintptr_t v = e ? atomic_load(e) : 0;
    return v & TID_BLOCKED ? (crace_thread *)(v & ~TID_BLOCKED) : NULL;
}

/* Is t, counted blocked, in obj_table? Not a mutex's waiter: nothing
 * wakes it but its own return (dl_wake). */
static bool woken_by_object(const crace_thread *t)
{
    return t->wait.obj && t->wait.kind != WAIT_MUTEX;
}

/* Under dl_lock: t, its wait filled in, joins the blocked list. */
static void link_blocked(crace_thread *t)
{
    t->wait.blocked = true;
    t->bnext = blocked_head;
    t->bprev = NULL;
    if (blocked_head)
        blocked_head->bprev = t;
    blocked_head = t;
    if (t->wait.token) {
        unsigned b = token_bucket(t->wait.token);
        t->tnext = token_table[b];
        token_table[b] = t;
    }
    if (woken_by_object(t)) {
        unsigned b = obj_bucket(t->wait.obj);
        t->onext = obj_table[b];
        t->oprev = NULL;
        if (t->onext)
            t->onext->oprev = t;
        __atomic_store_n(&obj_table[b], t, __ATOMIC_RELAXED); /* read unlocked by dl_wake */
        n_blocked_on_objects++;
    }
    tid_mark(t, true);
    n_blocked++;
    generation++;
}

/* Under dl_lock: a light waiter t joins the blocked list, unless it has
 * unregistered itself first. True when t is counted blocked now. */
static bool absorb(crace_thread *t)
{
    int registered = LIGHT_REGISTERED;
    if (!atomic_compare_exchange_strong(&t->dl_light, &registered, LIGHT_ABSORBED))
        return t->wait.blocked;
    link_blocked(t);
    return true;
}

static void absorb_one(crace_thread *t, void *arg)
{
    (void)arg;
    absorb(t);
}

/* Under dl_lock: every light waiter into the blocked list, before
 * anything that reads the whole list. */
static void absorb_all(void)
{
    if (n_light_bound > 0)
        crace_thread_foreach(absorb_one, NULL);
}

/* Under dl_lock. */
static void unlink_blocked(crace_thread *t)
{
    if (!t->wait.blocked)
        return;
    generation++;
    /* Unmarked before the flag falls: t, seeing it fall (in dl_unblock,
     * without dl_lock), may block again and mark itself anew. */
    tid_mark(t, false);
    __atomic_store_n(&t->wait.blocked, false, __ATOMIC_RELEASE);
    if (t->bprev)
        t->bprev->bnext = t->bnext;
    else
        blocked_head = t->bnext;
    if (t->bnext)
        t->bnext->bprev = t->bprev;
    t->bnext = t->bprev = NULL;
    if (t->wait.token) {
        crace_thread **pp = &token_table[token_bucket(t->wait.token)];
        while (*pp && *pp != t)
            pp = &(*pp)->tnext;
        if (*pp)
            *pp = t->tnext;
        t->tnext = NULL;
    }
    if (woken_by_object(t)) {
        if (t->oprev)
            t->oprev->onext = t->onext;
        else
            __atomic_store_n(&obj_table[obj_bucket(t->wait.obj)], t->onext, __ATOMIC_RELAXED);
        if (t->onext)
            t->onext->oprev = t->oprev;
        t->onext = t->oprev = NULL;
        n_blocked_on_objects--;
    }
    n_blocked--;
}

/* Does t wait for one goroutine (a lock's holder, a thread to end, an
 * init function's runner), which may wait for the next in a cycle? */
static bool waits_for_owner(const crace_thread *t)
{
    switch ((enum wait_object)t->wait.kind) {
    case WAIT_MUTEX:
    case WAIT_RWLOCK:
    case WAIT_THREAD:
    case WAIT_ONCE:
    case WAIT_SPIN:
        return true;
    default:
        return false;
    }
}

/* The goroutine t waits for, when its wait has one: a mutex's or a
 * spinlock's holder, an rwlock's writer, a once control's runner, a
 * joined thread; *lock_stack, where it locked or entered. 0 otherwise.
 * Under dl_lock. */
static uint64_t waits_for(const crace_thread *t, stack_id *lock_stack)
{
    *lock_stack = 0;
    if (t->wait.upgrade) {
        *lock_stack = t->wait.held_stack;
        return t->gid;
    }
    /* A once control in progress keeps the goroutine running its init
     * function, and where it entered it, as a mutex keeps its holder
     * (intercept_pthread.c, crace_pt_once); so do a spinlock and an
     * rwlock held for writing (one held for reading names nobody). */
    if (t->wait.kind == WAIT_MUTEX || t->wait.kind == WAIT_RWLOCK || t->wait.kind == WAIT_ONCE ||
        t->wait.kind == WAIT_SPIN) {
        sync_var *s = sync_lock(t->wait.obj, false, 0);
        if (!s)
            return 0;
        uint64_t owner = s->owner_gid;
        *lock_stack = s->lock_stack;
        sync_unlock(s);
        return owner;
    }
    if (t->wait.kind == WAIT_THREAD) {
        crace_thread *o = crace_thread_by_pthread((pthread_t)t->wait.obj);
        return o ? o->gid : 0;
    }
    return 0;
}

/* Where obj was created, printed and recorded with f's objects
 * (fo, when not NULL, is obj's entry there). */
static void put_created(struct sbuf *b, uintptr_t obj, const char *what, enum stack_style style,
                        struct crace_finding *f, struct finding_object *fo)
{
    sync_var *s = sync_lock(obj, false, 0);
    stack_id creation = s ? s->creation : 0;
    if (s)
        sync_unlock(s);
    if (creation) {
        sb_printf(b, "%s created at:\n", what);
        finding_stack_depot(f, b, 0, creation);
        if (fo)
            fo->created_at = finding_depot(creation, &fo->n_created_at);
        stackfmt_depot(b, creation, style);
    }
}

/* t as a goroutine of f: its wait, stack and creation. blocked: t
 * waits in t->wait, whether or not it is counted blocked yet (a mutex
 * wait is counted only when a check needs it, and the goroutine closing
 * a cycle is found before: its wait still names where it is). */
static struct finding_goroutine *note_goroutine(struct crace_finding *f, const crace_thread *t, bool blocked)
{
    struct finding_goroutine *g = finding_goroutine(f, t->gid, blocked ? t->wait.reason : "running");
    if (t->gid != 1) {
        g->created_by = t->parent_gid;
        g->created_at = finding_depot(t->creation_stack, &g->n_created_at);
    }
    if (blocked) {
        g->stack = finding_depot(t->wait.stack, &g->n_stack);
        if (!g->stack) {
            static const uintptr_t none[1];
            g->stack = none; /* blocked, stack unknown: [] rather than absent */
        }
        g->waits_on = t->wait.kind != WAIT_THREAD ? t->wait.obj : 0;
    }
    return g;
}

/* The goroutines that hold an rwlock for reading, as far as their held
 * lists tell: only those of blocked goroutines (and the caller's own) are
 * read, which do not change meanwhile. Up to READERS_SHOWN. */
#define READERS_SHOWN 4

struct readers {
    uintptr_t lock;
    const crace_thread *self;
    unsigned n;
    uint64_t gid[READERS_SHOWN];
    stack_id at[READERS_SHOWN];
};

static void find_reader(crace_thread *t, void *arg)
{
    struct readers *r = arg;
    stack_id at;
    if (r->n < READERS_SHOWN && (t == r->self || __atomic_load_n(&t->wait.blocked, __ATOMIC_ACQUIRE)) &&
        lo_held_at(t, r->lock, &at)) {
        r->gid[r->n] = t->gid;
        r->at[r->n++] = at;
    }
}

/* What t waits on, beyond Go's dump: the object, where it was created,
 * and for a lock who holds it and where it was locked (the blocked
 * goroutines that hold an rwlock for reading, when no writer does);
 * stacks in the style of the report around them. */
static void put_wait_details(struct sbuf *b, const crace_thread *t, struct crace_finding *f, enum stack_style style)
{
    const char *what = object_names[t->wait.kind];
    if (t->wait.kind == WAIT_NONE || !t->wait.obj)
        return;
    if (t->wait.kind == WAIT_THREAD) {
        crace_thread *o = crace_thread_by_pthread((pthread_t)t->wait.obj);
        if (o)
            sb_printf(b, "... waits for goroutine %llu to end\n", (unsigned long long)o->gid);
        return;
    }
    if (t->wait.sel && t->wait.n_sel > 1) {
        /* A select: every channel it waits on, none held by anyone. */
        char title[64];
        snprintf(title, sizeof(title), "... %s", what);
        for (uint32_t i = 0; i < t->wait.n_sel; i++) {
            sb_printf(b, "... waits on %s 0x%012lx\n", what, (unsigned long)t->wait.sel[i]);
            put_created(b, t->wait.sel[i], title, style, f, finding_object(f, what, t->wait.sel[i]));
        }
        if (t->sel_total > t->wait.n_sel)
            sb_printf(b, "... and on %u more %ss\n", t->sel_total - t->wait.n_sel, what);
        return;
    }
    sb_printf(b, "... waits on %s 0x%012lx", what, (unsigned long)t->wait.obj);
    struct finding_object *fo = finding_object(f, what, t->wait.obj);
    stack_id lock_stack;
    uint64_t owner = waits_for(t, &lock_stack);
    if (t->wait.kind == WAIT_MUTEX || t->wait.kind == WAIT_RWLOCK || t->wait.kind == WAIT_SPIN ||
        t->wait.kind == WAIT_ONCE)
        fo->held_by = (int64_t)owner;
    struct readers r = {.lock = t->wait.obj, .self = crace_cur, .n = 0};
    if (!owner && t->wait.kind == WAIT_RWLOCK && glibc_rwlock_readers((const void *)t->wait.obj) > 0)
        crace_thread_foreach(find_reader, &r);
    if (owner) {
        if (t->wait.kind == WAIT_ONCE)
            sb_printf(b, " whose init function goroutine %llu runs, entered at:\n", (unsigned long long)owner);
        else if (t->wait.upgrade)
            sb_printf(b, " held for reading by goroutine %llu itself, read-locked at:\n", (unsigned long long)owner);
        else
            sb_printf(b, " held by goroutine %llu, locked at:\n", (unsigned long long)owner);
        finding_stack_depot(f, b, owner, lock_stack);
        stackfmt_depot(b, lock_stack, style);
    } else if (r.n) {
        fo->held_by = (int64_t)r.gid[0];
        for (unsigned i = 0; i < r.n; i++) {
            sb_printf(b, "%s held for reading by goroutine %llu%s, read-locked at:\n", i ? "... and" : "",
                      (unsigned long long)r.gid[i], r.gid[i] == t->gid ? " itself" : "");
            finding_stack_depot(f, b, r.gid[i], r.at[i]);
            stackfmt_depot(b, r.at[i], style);
        }
    } else {
        sb_printf(b, "\n");
    }
    char title[64];
    snprintf(title, sizeof(title), "... %s", what);
    put_created(b, t->wait.obj, title, style, f, fo);
}

/* ---------------------------------------------------------------- global */

/* Reports are rendered into buffers of this size (a dump of every
 * goroutine can be long). */
#define RENDER_CAP (256 * 1024)

/* The all-asleep message's waits ("chan send at pipeline.c:9"): the
 * first WAITS_SHOWN distinct ones in text order, not in goroutine order,
 * which follows the order threads started in (CI tools track findings by
 * the message: docs/report-format.md). */
#define WAITS_SHOWN 3
struct waits_shown {
    char wait[WAITS_SHOWN][320];
    size_t n;
    bool more; /* others left out */
};

static void waits_shown_add(struct waits_shown *w, const char *wait)
{
    size_t at = 0;
    while (at < w->n && strcmp(w->wait[at], wait) < 0)
        at++;
    if (at < w->n && strcmp(w->wait[at], wait) == 0)
        return;
    if (at == WAITS_SHOWN) {
        w->more = true;
        return;
    }
    if (w->n == WAITS_SHOWN)
        w->more = true;
    else
        w->n++;
    memmove(w->wait[at + 1], w->wait[at], (w->n - 1 - at) * sizeof(w->wait[0]));
    snprintf(w->wait[at], sizeof(w->wait[0]), "%s", wait);
}

static void render_global(struct sbuf *b, const void *arg, struct crace_finding *f)
{
    (void)arg;
    struct waits_shown shown = {0};
    sb_printf(b, "fatal error: all goroutines are asleep - deadlock!\n");
    /* Go lists goroutines by number. */
    uint64_t last = 0;
    for (;;) {
        crace_thread *next = NULL;
        for (crace_thread *t = blocked_head; t; t = t->bnext)
            if (t->gid > last && (!next || t->gid < next->gid))
                next = t;
        if (!next)
            break;
        last = next->gid;
        sb_printf(b, "\ngoroutine %llu [%s]:\n", (unsigned long long)next->gid, next->wait.reason);
        struct finding_goroutine *g = note_goroutine(f, next, next->wait.blocked);
        finding_stack_depot(f, b, next->gid, next->wait.stack);
        char at[256], key[512];
        finding_where(g->stack, g->n_stack, false, at, sizeof(at), key, sizeof(key));
        finding_key(f, key);
        char wait[sizeof(shown.wait[0])];
        snprintf(wait, sizeof(wait), "%s at %s", next->wait.reason, at);
        waits_shown_add(&shown, wait);
        stackfmt_depot(b, next->wait.stack, STACK_STYLE_DUMP);
        put_wait_details(b, next, f, STACK_STYLE_DUMP);
        if (next->gid != 1 && next->creation_stack) {
            sb_printf(b, "created by goroutine %llu at:\n", (unsigned long long)next->parent_gid);
            finding_stack_depot(f, b, next->parent_gid, next->creation_stack);
            stackfmt_depot(b, next->creation_stack, STACK_STYLE_DUMP);
        }
    }
    struct sbuf msg = {f->message, sizeof(f->message), 0};
    sb_printf(&msg, "All goroutines are asleep - deadlock!");
    for (size_t i = 0; i < shown.n; i++)
        sb_printf(&msg, "%s %s", i ? "," : "", shown.wait[i]);
    if (shown.more)
        sb_printf(&msg, ", ...");
}

static void global_deadlock(void)
{
    report_render_emit(REPORT_DEADLOCK, RENDER_CAP, render_global, NULL);
    fflush(NULL); /* the program's own buffered output is not lost */
    report_end_process(2);
}

/* ---------------------------------------------------------------- cycles */

struct cycle {
    crace_thread *member[64];
    uint64_t owner[64];
    stack_id lock_stack[64];
    size_t n;
};

/* "Mutex", "RWLock", "Spinlock", "Once control": what a cycle's wait names. */
static const char *owned_title(enum wait_object kind)
{
    switch (kind) {
    case WAIT_SPIN:
        return "Spinlock";
    case WAIT_ONCE:
        return "Once control";
    case WAIT_RWLOCK:
        return "RWLock";
    default:
        return "Mutex";
    }
}

/* The cycle's message: how many goroutines and where each waits, the
 * same however the run found it (CI tools track findings by it): no
 * goroutine numbers, which follow thread start order, and the places
 * from the member that waits at the first in text order, not from
 * whichever member blocked last and closed the cycle; each place once
 * (docs/report-format.md). */
static void put_cycle_message(struct crace_finding *f, const struct cycle *c, const char (*ats)[256])
{
    size_t s = 0;
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(ats[i], ats[s]) < 0)
            s = i;
    struct sbuf msg = {f->message, sizeof(f->message), 0};
    if (c->n == 1)
        sb_printf(&msg, "Deadlock: a goroutine waits for itself (");
    else
        sb_printf(&msg, "Deadlock: %zu goroutines wait for each other (", c->n);
    for (size_t k = 0, shown = 0; k < c->n; k++) {
        const char *at = ats[(s + k) % c->n];
        bool seen = false;
        for (size_t j = 0; j < k; j++)
            seen |= strcmp(ats[(s + j) % c->n], at) == 0;
        if (!seen)
            sb_printf(&msg, "%s%s", shown++ ? ", " : "", at);
    }
    sb_printf(&msg, ")");
}

static void render_cycle(struct sbuf *b, const void *arg, struct crace_finding *f)
{
    const struct cycle *c = arg;
    /* Not on the stack (16 KiB): the goroutine closing the cycle may
     * have a small one. ats[i]: where member i waits. */
    char (*ats)[256] = crace_alloc(64 * sizeof(*ats));
    sb_printf(b, "==================\nWARNING: DEADLOCK\n");
    sb_printf(b, "Goroutines waiting for each other in a cycle:");
    for (size_t i = 0; i < c->n; i++) {
        sb_printf(b, " %llu ->", (unsigned long long)c->member[i]->gid);
        f->cycle[f->n_cycle++] = c->member[i]->gid;
    }
    sb_printf(b, " %llu\n", (unsigned long long)c->member[0]->gid);
    for (size_t i = 0; i < c->n; i++) {
        const crace_thread *t = c->member[i];
        /* A join waits on a thread: its pthread_t, then the goroutine. */
        sb_printf(b, "\nGoroutine %llu blocks in %s on %s 0x%012lx", (unsigned long long)t->gid,
                  t->wait.reason, t->wait.kind == WAIT_THREAD ? "thread" : object_names[t->wait.kind],
                  (unsigned long)t->wait.obj);
        if (t->wait.kind == WAIT_MUTEX || t->wait.kind == WAIT_SPIN)
            sb_printf(b, " held by goroutine %llu:\n", (unsigned long long)c->owner[i]);
        else if (t->wait.kind == WAIT_RWLOCK)
            sb_printf(b, " held for %s by goroutine %llu:\n", t->wait.upgrade ? "reading" : "writing",
                      (unsigned long long)c->owner[i]);
        else if (t->wait.kind == WAIT_ONCE)
            sb_printf(b, ", whose init function goroutine %llu runs:\n", (unsigned long long)c->owner[i]);
        else
            sb_printf(b, " (goroutine %llu):\n", (unsigned long long)c->owner[i]);
        struct finding_goroutine *g = note_goroutine(f, t, true);
        finding_stack_depot(f, b, t->gid, t->wait.stack);
        char key[512];
        finding_where(g->stack, g->n_stack, false, ats[i], sizeof(ats[i]), key, sizeof(key));
        finding_key(f, key);
        if (t->wait.kind != WAIT_THREAD) {
            struct finding_object *fo = finding_object(f, object_names[t->wait.kind], t->wait.obj);
            fo->held_by = (int64_t)c->owner[i];
        }
        stackfmt_depot(b, t->wait.stack, STACK_STYLE_REPORT);
        if (t->wait.kind != WAIT_THREAD && c->lock_stack[i]) {
            sb_printf(b, "\n%s 0x%012lx %s by goroutine %llu at:\n", owned_title(t->wait.kind),
                      (unsigned long)t->wait.obj,
                      t->wait.kind == WAIT_ONCE ? "entered" : t->wait.upgrade ? "read-locked" : "locked",
                      (unsigned long long)c->owner[i]);
            finding_stack_depot(f, b, c->owner[i], c->lock_stack[i]);
            stackfmt_depot(b, c->lock_stack[i], STACK_STYLE_REPORT);
        }
    }
    put_cycle_message(f, c, ats);
    crace_free(ats);
    sb_printf(b, "==================\n");
}

/* Can cur's mutex wait be a step of a cycle: is the mutex held by a
 * goroutine that is itself blocked? Asked of glibc's owner field and
 * tid_table, which cost no lookup: every contended lock may ask, and
 * the mutex's sync object is what its holder needs to unlock (taking its
 * lock here would lengthen the very critical section being waited for).
 * crace's owner is glibc's or none (it is set after the real lock and
 * cleared before the real unlock), so a holder that glibc shows running,
 * or no holder, rules the cycle out. The holder found, or NULL; the
 * caller confirms that it is still blocked. */
static crace_thread *mutex_holder_blocked(const crace_thread *cur)
{
    pid_t owner = glibc_mutex_owner((const void *)cur->wait.obj);
    return owner ? tid_blocked(owner) : NULL;
}

/* The same for an rwlock's writer (glibc's __cur_writer); NULL when the
 * rwlock is read-held, or its writer runs, or is cur itself (glibc
 * refuses the writer's own lock at once, EDEADLK: no wait). */
static crace_thread *rwlock_writer_blocked(const crace_thread *cur)
{
    pid_t writer = glibc_rwlock_writer((const void *)cur->wait.obj);
    return writer && writer != cur->tid ? tid_blocked(writer) : NULL;
}

/* Follows "waits for" from t; a way back to t is a cycle. Under dl_lock. */
static void check_cycle(crace_thread *t)
{
    struct cycle c = {.n = 0};
    crace_thread *cur = t;
    while (c.n < 64) {
        crace_thread *next = NULL;
        if (cur->wait.kind == WAIT_MUTEX && !(next = mutex_holder_blocked(cur)))
            return;
        if (cur->wait.kind == WAIT_RWLOCK && !cur->wait.upgrade && !(next = rwlock_writer_blocked(cur)))
            return;
        stack_id lock_stack;
        uint64_t owner = waits_for(cur, &lock_stack);
        if (!owner)
            return;
        c.member[c.n] = cur;
        c.owner[c.n] = owner;
        c.lock_stack[c.n] = lock_stack;
        c.n++;
        if (owner == t->gid)
            break;
        if (cur->wait.kind == WAIT_THREAD)
            next = crace_thread_by_pthread((pthread_t)cur->wait.obj);
        else if (cur->wait.kind == WAIT_ONCE || cur->wait.kind == WAIT_SPIN || cur->wait.upgrade)
            next = crace_thread_by_gid(owner);
        /* The owner must be blocked (a light waiter joins the list for
         * the report), and be the goroutine crace's bookkeeping names:
         * otherwise it runs, or the lock is changing hands. */
        if (!next || next->gid != owner || !absorb(next))
            return;
        cur = next;
        if (!waits_for_owner(cur))
            return; /* the owner waits for something else */
        for (size_t i = 0; i < c.n; i++)
            if (c.member[i] == cur)
                return; /* a cycle not through t: found when it closed */
    }
    if (c.n == 64)
        return;
    report_render_emit(REPORT_DEADLOCK, RENDER_CAP, render_cycle, &c);
    if (crace_opts.exit_on_deadlock) {
        fflush(NULL);
        report_end_process(2);
    }
}

/* ---------------------------------------------------------------- events */

/* Is t's wait real at this moment? A lock, rwlock or semaphore wait is
 * bracketed after a failed try: the lock may have been freed (or the
 * semaphore posted) in between, with the wake-up missing the bracket.
 * Such a goroutine is about to return, not blocked: asking the object
 * itself settles it, unless the holder is itself counted blocked in a
 * condvar wait that releases it. Other waits are registered where they
 * cannot miss their wake-up (under libgochan's channel lock, with the
 * mutex of a condvar held, or checked under dl_lock for joins). */
/* A goroutine counted blocked in a condvar wait on m has yet to release
 * m inside the real wait, or already has: either way m is on its way to
 * being free. Under dl_lock. */
static bool released_by_cond_wait(uintptr_t m)
{
    for (const crace_thread *b = blocked_head; b; b = b->bnext)
        if (b->wait.kind == WAIT_COND && b->wait.with == m)
            return true;
    return false;
}

static bool mutex_owned_before(const crace_thread *t)
{
    sync_var *s = sync_lock(t->wait.obj, false, 0);
    bool owned = s && s->owner_gid == t->gid && s->recursion > 0;
    if (s)
        sync_unlock(s);
    return owned;
}

/* A spinner waits for real while another goroutine holds the spinlock by
 * the bookkeeping too, which names a holder only between its lock's
 * return and its unlock's start: a word taken with no holder named is
 * the spinner's own lock in progress (it got through inside the real
 * call, and was descheduled before saying so), or a release. Under
 * dl_lock. */
static bool spin_held_by_other(const crace_thread *t)
{
    if (!glibc_spin_held((const pthread_spinlock_t *)t->wait.obj))
        return false;
    sync_var *s = sync_lock(t->wait.obj, false, 0);
    uint64_t owner = s ? s->owner_gid : 0;
    if (s)
        sync_unlock(s);
    return owner != 0 && owner != t->gid;
}

static bool wait_is_real(const crace_thread *t)
{
    if (t->wait.over && t->wait.over(t->wait.obj, t->wait.with))
        return false;
    switch ((enum wait_object)t->wait.kind) {
    case WAIT_MUTEX:
        if (!glibc_mutex_held((const void *)t->wait.obj) || released_by_cond_wait(t->wait.obj))
            return false;
    {
        /* Owned by t itself: either t relocked a mutex it held (a real
         * self-deadlock: crace's bookkeeping, updated only once t's lock
         * call returns, still names t), or t has just taken it inside the
         * real call and is on its way out (the bookkeeping does not). No
         * owner yet: a thread is between the lock word and the owner
         * field, on its way out of the lock too. */
        pid_t owner = glibc_mutex_owner((const void *)t->wait.obj);
        if (owner == 0)
            return false;
        if (owner == t->tid)
            return mutex_owned_before(t);
        return true;
    }
    case WAIT_RWLOCK:
        return glibc_rwlock_held((const void *)t->wait.obj);
    case WAIT_SPIN:
        return spin_held_by_other(t);
    case WAIT_SEM:
        return glibc_sem_value((const void *)t->wait.obj) == 0;
    case WAIT_NONE:
    case WAIT_COND:
    case WAIT_THREAD:
    case WAIT_BARRIER:
    case WAIT_CHAN:
    case WAIT_WAITGROUP:
    case WAIT_ONCE:
    case WAIT_OBJECT_COUNT:
        break;
    }
    return true;
}

/* Is the process's real-time interval timer armed (alarm, setitimer,
 * ualarm)? Its SIGALRM may wake a goroutine (a handler posting the
 * semaphore waited on), or end the process: either way nothing is stuck
 * forever. The CPU-time timers do not advance while every thread sleeps.
 * One system call, asked only when everything else says asleep. */
static bool alarm_pending(void)
{
    struct itimerval v;
    return getitimer(ITIMER_REAL, &v) == 0 && (v.it_value.tv_sec != 0 || v.it_value.tv_usec != 0);
}

static bool all_asleep(void)
{
    if (!(n_live > 0 && n_blocked + n_light_bound >= n_live && n_timers == 0 && crace_opts.detect_deadlocks))
        return false;
    absorb_all();
    if (n_blocked < n_live)
        return false; /* a light waiter left before it could be absorbed */
    for (crace_thread *t = blocked_head; t; t = t->bnext)
        if (!wait_is_real(t))
            return false;
    return !alarm_pending();
}

/* Waits whose reality glibc cannot settle from the object alone: a
 * semaphore's value, an rwlock's readers or a spinlock's word do not name
 * the thread that took them, so a waiter that has just got through inside
 * the real call looks the same as one that waits. Under dl_lock. */
static bool needs_confirmation(void)
{
    for (const crace_thread *t = blocked_head; t; t = t->bnext)
        if (t->wait.kind == WAIT_SEM || t->wait.kind == WAIT_RWLOCK || t->wait.kind == WAIT_SPIN)
            return true;
    return false;
}

/* Under dl_lock, which it drops while it waits for confirmation. */
static void check_global(void)
{
    /* all_asleep first: it fails at once on its counts, in the common
     * case, where needs_confirmation walks every blocked goroutine (each
     * of 1,000 threads arriving at a barrier walked the others). */
    for (int round = 0; round < CONFIRM_ROUNDS; round++) {
        if (!all_asleep())
            return;
        if (!needs_confirmation())
            break;
        uint64_t seen = generation;
        crace_unlock(&dl_lock);
        struct timespec ts = {0, CONFIRM_NS};
        nanosleep(&ts, NULL);
        crace_lock(&dl_lock);
        if (generation != seen)
            return;
    }
    if (all_asleep())
        global_deadlock();
}

/* The cycle first: when it also leaves every goroutine asleep, naming
 * the cycle says more than the dump. */
static void check(crace_thread *t)
{
    if (waits_for_owner(t))
        check_cycle(t);
    check_global();
}

/* Is the goroutine with kernel id tid known and running? */
static bool tid_running(pid_t tid)
{
    _Atomic uintptr_t *e = tid_entry(tid);
    uintptr_t v = e ? atomic_load(e) : 0;
    return v && !(v & TID_BLOCKED);
}

/* A mutex wait registered without dl_lock (the top of the file says why
 * and how), checked under it only when the mutex's holder is blocked
 * itself, or not a goroutine crace knows as running (it ended holding the
 * lock). False, with nothing done, when the wait must take the locked
 * path: t is still counted blocked from a wait before, or its id is out
 * of range. */
static bool block_light(crace_thread *t, const char *reason, uintptr_t obj, stack_id stack)
{
    if (!tid_entry(t->tid) || __atomic_load_n(&t->wait.blocked, __ATOMIC_ACQUIRE))
        return false;
    if (!t->dl_light_counted) {
        t->dl_light_counted = true;
        n_light_bound++;
    }
    t->wait = (struct crace_wait){reason, WAIT_MUTEX, obj, 0, NULL, NULL, stack, false, false, 0, NULL, 0};
    atomic_exchange(&t->dl_light, LIGHT_REGISTERED); /* not a store: tid_mark says why */
    tid_mark(t, true);
    pid_t holder = glibc_mutex_owner((const void *)obj);
    if (holder && !tid_running(holder)) {
        crace_lock(&dl_lock);
        check(t);
        crace_unlock(&dl_lock);
    }
    return true;
}

/* Under dl_lock: t stops counting as a possible light waiter. */
static void light_uncount(crace_thread *t)
{
    if (t->dl_light_counted) {
        t->dl_light_counted = false;
        n_light_bound--;
    }
}

void dl_block(crace_thread *t, const char *reason, enum wait_object kind, uintptr_t obj, uintptr_t with,
              const void *token, stack_id stack)
{
    dl_block_unless(t, reason, kind, obj, with, token, NULL, stack);
}

/* block past the light path: registers w as t's wait. Under t's
 * in_shim. */
static void block_locked(crace_thread *t, struct crace_wait w)
{
    crace_lock(&dl_lock);
    unlink_blocked(t);
    light_uncount(t);
    if (w.kind == WAIT_THREAD) {
        /* A join of a thread that has ended returns at once, and a thread
         * joining itself gets EDEADLK at once. Checked under dl_lock,
         * which the ending thread's wake-up also takes. */
        crace_thread *target = crace_thread_by_pthread((pthread_t)w.obj);
        if (!target || target == t || atomic_load(&target->state) == THREAD_FINISHED) {
            crace_unlock(&dl_lock);
            return;
        }
    }
    t->wait = w;
    link_blocked(t);
    /* Asked after the link: a wake-up that over() does not see yet (it
     * takes the lock over()'s state is kept under after over() has)
     * finds t linked, even by dl_wake's path without dl_lock. */
    if (w.over && w.over(w.obj, w.with))
        unlink_blocked(t);
    else
        check(t);
    crace_unlock(&dl_lock);
}

/* t blocks on w: a plain mutex wait by the light path when it can, any
 * other under dl_lock. */
static void block(crace_thread *t, struct crace_wait w)
{
    if (!crace_opts.detect_deadlocks || t->internal)
        return;
    t->in_shim++;
    if (!(w.kind == WAIT_MUTEX && !w.with && !w.token && !w.over && block_light(t, w.reason, w.obj, w.stack)))
        block_locked(t, w);
    t->in_shim--;
    /* The real blocking call comes next: a signal deferred meanwhile may
     * be what wakes it (a handler posting the semaphore waited on). */
    if (CRACE_UNLIKELY(t->ignore & CRACE_IGNORE_SIGNAL))
        crace_signal_poll(t, 0);
}

void dl_block_unless(crace_thread *t, const char *reason, enum wait_object kind, uintptr_t obj, uintptr_t with,
                     const void *token, bool (*over)(uintptr_t obj, uintptr_t with), stack_id stack)
{
    block(t, (struct crace_wait){reason, kind, obj, with, token, over, stack, false, false, 0, NULL, 0});
}

void dl_block_select(crace_thread *t, const char *reason, const uintptr_t *chans, size_t n, size_t more,
                     const void *token, stack_id stack)
{
    uint32_t shown = 0, total = (uint32_t)more;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (uint32_t j = 0; j < shown && !seen; j++)
            seen = t->sel_chans[j] == chans[i];
        if (seen)
            continue;
        total++;
        if (shown < CRACE_SEL_SHOWN)
            t->sel_chans[shown++] = chans[i];
    }
    t->sel_total = total;
    block(t, (struct crace_wait){reason, WAIT_CHAN, chans[0], 0, token, NULL, stack, false, false, 0, t->sel_chans,
                                 shown});
}

void dl_block_upgrade(crace_thread *t, const char *reason, uintptr_t obj, stack_id stack, stack_id held_stack)
{
    block(t, (struct crace_wait){reason, WAIT_RWLOCK, obj, 0, NULL, NULL, stack, false, true, held_stack, NULL, 0});
}

void dl_unblock(crace_thread *t)
{
    if (atomic_load_explicit(&t->dl_light, memory_order_relaxed) != LIGHT_NONE) {
        int registered = LIGHT_REGISTERED;
        if (atomic_compare_exchange_strong(&t->dl_light, &registered, LIGHT_NONE)) {
            tid_mark(t, false);
            return;
        }
        /* Absorbed: in the blocked list, which is dl_lock's. */
        crace_lock(&dl_lock);
        unlink_blocked(t);
        atomic_store(&t->dl_light, LIGHT_NONE);
        crace_unlock(&dl_lock);
        return;
    }
    if (!__atomic_load_n(&t->wait.blocked, __ATOMIC_ACQUIRE))
        return; /* woken already: reading our own flag races only with a waker clearing it */
    crace_lock(&dl_lock);
    unlink_blocked(t);
    crace_unlock(&dl_lock);
}

/* A mutex's waiters are not in obj_table (woken_by_object): woken, one
 * may lose the lock to another thread and sleep again inside the real
 * call, and counted running it would hide every deadlock through it (five
 * dining philosophers hung unreported). They stay counted until their
 * lock call returns; the global check asks the mutex itself whether such
 * a wait is real (wait_is_real). */
void dl_wake(uintptr_t obj)
{
    /* The common cases, nobody blocked on any object or none in obj's
     * bucket: no lock. A waiter registering concurrently on a lock that
     * is being freed is caught by the global check, which asks the lock
     * itself (wait_is_real). */
    if (__atomic_load_n(&n_blocked_on_objects, __ATOMIC_RELAXED) == 0 ||
        !__atomic_load_n(&obj_table[obj_bucket(obj)], __ATOMIC_RELAXED))
        return;
    crace_lock(&dl_lock);
    crace_thread *t = obj_table[obj_bucket(obj)];
    while (t) {
        crace_thread *next = t->onext;
        if (t->wait.obj == obj)
            unlink_blocked(t);
        t = next;
    }
    crace_unlock(&dl_lock);
}

uint64_t dl_waiter_of(uintptr_t obj, stack_id *stack)
{
    uint64_t gid = 0;
    *stack = 0;
    if (__atomic_load_n(&n_blocked_on_objects, __ATOMIC_RELAXED) == 0)
        return 0;
    crace_lock(&dl_lock);
    for (crace_thread *t = obj_table[obj_bucket(obj)]; t; t = t->onext) {
        if (t->wait.obj == obj && t->wait.blocked) {
            gid = t->gid;
            *stack = t->wait.stack;
            break;
        }
    }
    crace_unlock(&dl_lock);
    return gid;
}

void dl_wake_thread(pthread_t th)
{
    crace_lock(&dl_lock);
    crace_thread *t = crace_thread_by_pthread(th);
    if (t)
        unlink_blocked(t);
    crace_unlock(&dl_lock);
}

void dl_wake_token(const void *token)
{
    crace_lock(&dl_lock);
    for (crace_thread *t = token_table[token_bucket(token)]; t; t = t->tnext) {
        if (t->wait.token == token) {
            unlink_blocked(t);
            break;
        }
    }
    crace_unlock(&dl_lock);
}

void dl_thread_created(crace_thread *t)
{
    crace_lock(&dl_lock);
    if (!atomic_load_explicit(&tid_table, memory_order_relaxed))
        atomic_store_explicit(&tid_table, crace_mmap(sizeof(uintptr_t) << TID_BITS), memory_order_release);
    /* libgochan's timer thread is none of the program's goroutines: it
     * never counts as one running. */
    if (!t->internal) {
        t->counted_live = true;
        n_live++;
        generation++;
    }
    crace_unlock(&dl_lock);
}

void dl_thread_tid(crace_thread *t)
{
    tid_mark(t, false);
}

/* Under dl_lock: t's id is free for another thread (it ends). */
static void tid_forget(crace_thread *t)
{
    _Atomic uintptr_t *e = tid_entry(t->tid);
    uintptr_t v = e ? atomic_load(e) : 0;
    if ((v & ~TID_BLOCKED) == (uintptr_t)t)
        atomic_compare_exchange_strong(e, &v, 0);
    light_uncount(t);
}

void dl_thread_gone(crace_thread *t)
{
    crace_lock(&dl_lock);
    unlink_blocked(t);
    tid_forget(t);
    /* Its joiners may go on. Their registration checked t's state under
     * dl_lock; this catches one that registered before t was marked
     * finished but after the wake-up's unlocked look found nobody. */
    for (crace_thread *b = blocked_head, *next; b; b = next) {
        next = b->bnext;
        if (b->wait.kind == WAIT_THREAD && b->wait.obj == (uintptr_t)t->pthread)
            unlink_blocked(b);
    }
    if (t->counted_live) {
        t->counted_live = false;
        n_live--;
        generation++;
        /* The ones left may all be waiting for this one. */
        check_global();
    }
    crace_unlock(&dl_lock);
}

void dl_timers(int delta)
{
    crace_lock(&dl_lock);
    n_timers += delta;
    generation++;
    check_global();
    crace_unlock(&dl_lock);
}

/* ---------------------------------------------------------------- fork */

/* In the child only the forking thread exists: nobody else is blocked or
 * live, so "all goroutines are asleep" and the leak check look at the
 * child's own threads. Pending timers stay: libgochan restarts its timer
 * thread in the child. */
void dl_fork(enum crace_fork_phase phase)
{
    crace_fork_lock(&dl_lock, phase);
    if (phase != CRACE_FORK_CHILD)
        return;
    crace_thread *self = crace_cur;
    blocked_head = NULL;
    memset(token_table, 0, sizeof(token_table));
    memset(obj_table, 0, sizeof(obj_table));
    n_blocked = 0;
    n_light_bound = 0;
    n_blocked_on_objects = 0;
    n_live = 0;
    /* The parent's threads are not the child's: their entries go (the
     * pages fall back to zeros). */
    _Atomic uintptr_t *tab = atomic_load(&tid_table);
    if (tab)
        syscall(SYS_madvise, (void *)tab, sizeof(uintptr_t) << TID_BITS, MADV_DONTNEED);
    if (self) {
        tid_mark(self, false); /* its id is the child's (crace_thread_fork ran first) */
        atomic_store(&self->dl_light, LIGHT_NONE);
        if (self->dl_light_counted)
            n_light_bound = 1;
        self->wait.blocked = false;
        self->bnext = self->bprev = self->tnext = self->onext = self->oprev = NULL;
        if (self->counted_live)
            n_live = 1;
    }
    generation++;
}

/* ---------------------------------------------------------------- leaks */

/* A leak's last paragraph: where goroutine gid (state, its record g in f)
 * was created, by parent; and f's key, head then where it was created
 * (one part: the order matters). */
static void put_leak_creation(struct sbuf *b, struct crace_finding *f, const struct finding_goroutine *g,
                              uint64_t gid, const char *state, uint64_t parent, stack_id creation, const char *head)
{
    sb_printf(b, "\nGoroutine %llu (%s) created at:\n", (unsigned long long)gid, state);
    finding_stack_depot(f, b, parent, creation);
    char cat[256], ckey[512], full[1100];
    finding_where(g->created_at, g->n_created_at, true, cat, sizeof(cat), ckey, sizeof(ckey));
    snprintf(full, sizeof(full), "%s|%s", head, ckey);
    finding_key(f, full);
    stackfmt_depot(b, creation, STACK_STYLE_REPORT);
    sb_printf(b, "==================\n");
}

/* A leak's message: "Goroutine leaked: " what, then where it was
 * created (g's created_at), rather than its number, which follows the
 * order threads started in (CI tools track findings by the message:
 * docs/report-format.md). */
static void put_leak_message(struct crace_finding *f, const struct finding_goroutine *g, const char *what)
{
    char cat[256], ckey[512];
    finding_where(g->created_at, g->n_created_at, true, cat, sizeof(cat), ckey, sizeof(ckey));
    snprintf(f->message, sizeof(f->message), "Goroutine leaked: %s (created at %s)", what, cat);
}

static void render_leak(struct sbuf *b, const void *arg, struct crace_finding *f)
{
    const crace_thread *t = arg;
    struct finding_goroutine *g = note_goroutine(f, t, t->wait.blocked);
    char at[256], key[512], what[400];
    const char *in;
    sb_printf(b, "==================\nWARNING: GOROUTINE LEAK\n");
    if (t->wait.blocked) {
        sb_printf(b, "Goroutine %llu [%s] blocked forever at:\n", (unsigned long long)t->gid, t->wait.reason);
        finding_stack_depot(f, b, t->gid, t->wait.stack);
        finding_where(g->stack, g->n_stack, false, at, sizeof(at), key, sizeof(key));
        snprintf(what, sizeof(what), "blocked forever in %s at %s", t->wait.reason, at);
        put_leak_message(f, g, what);
        stackfmt_depot(b, t->wait.stack, STACK_STYLE_REPORT);
        put_wait_details(b, t, f, STACK_STYLE_REPORT);
    } else if ((in = __atomic_load_n(&t->timed_reason, __ATOMIC_ACQUIRE)) != NULL) {
        /* Parked in a libgochan wait with a timer (leak_check=running). */
        sb_printf(b, "Goroutine %llu [%s, with a timer] still alive at exit, waiting at:\n",
                  (unsigned long long)t->gid, in);
        finding_stack_depot(f, b, t->gid, t->timed_stack);
        size_t n;
        const uintptr_t *pcs = finding_depot(t->timed_stack, &n);
        finding_where(pcs, n, false, at, sizeof(at), key, sizeof(key));
        snprintf(what, sizeof(what), "still alive at exit, in %s with a timer at %s", in, at);
        put_leak_message(f, g, what);
        stackfmt_depot(b, t->timed_stack, STACK_STYLE_REPORT);
    } else {
        sb_printf(b, "Goroutine %llu still running at exit\n", (unsigned long long)t->gid);
        snprintf(key, sizeof(key), "running");
        put_leak_message(f, g, "still running at exit");
    }
    put_leak_creation(b, f, g, t->gid, t->wait.blocked ? "blocked" : "running", t->parent_gid, t->creation_stack,
                      key);
}

/* Goroutines that finished and that nobody joined or detached, made at
 * one place (one creation stack): the first of them, and how many. */
struct unjoined_group {
    const struct crace_unjoined *first;
    size_t n;
    uint64_t more[8]; /* the next ones' numbers, as many as fit */
};

static void render_unjoined(struct sbuf *b, const void *arg, struct crace_finding *f)
{
    const struct unjoined_group *u = arg;
    const struct crace_unjoined *t = u->first;
    struct finding_goroutine *g = finding_goroutine(f, t->gid, "finished");
    g->created_by = t->parent_gid;
    g->created_at = finding_depot(t->creation, &g->n_created_at);
    sb_printf(b, "==================\nWARNING: GOROUTINE LEAK\n");
    sb_printf(b, "Goroutine %llu finished, but nobody joined or detached its thread (pthread_join,\n"
                 "pthread_detach): its stack stays allocated until the process ends.\n",
              (unsigned long long)t->gid);
    if (u->n > 1) {
        sb_printf(b, "And %zu more goroutines created at the same place, finished and never joined:",
                  u->n - 1);
        size_t shown = u->n - 1 < sizeof(u->more) / sizeof(u->more[0]) ? u->n - 1
                                                                          : sizeof(u->more) / sizeof(u->more[0]);
        for (size_t i = 0; i < shown; i++)
            sb_printf(b, " %llu%s", (unsigned long long)u->more[i], i + 1 < shown ? "," : "");
        sb_printf(b, "%s\n", shown < u->n - 1 ? ", ..." : "");
    }
    /* How many is in the text: the message keeps to what every run has. */
    put_leak_message(f, g, "finished, never joined or detached");
    put_leak_creation(b, f, g, t->gid, "finished", t->parent_gid, t->creation, "never joined");
}

static int by_gid(const void *a, const void *b)
{
    uint64_t x = ((const struct crace_unjoined *)a)->gid, y = ((const struct crace_unjoined *)b)->gid;
    return (x > y) - (x < y);
}

/* Threads that finished and were never joined or detached, one report
 * per place they were made at, in creation order (leak_check=running).
 * ThreadSanitizer reports these by default; here they are opt-in: a
 * program whose main ends with pthread_exit, leaving its finished
 * workers to the process's end, is a common and harmless pattern. */
static void report_unjoined(void)
{
    enum { MAX = 4096 };
    struct crace_unjoined *all = crace_alloc(MAX * sizeof(*all));
    size_t n = crace_thread_unjoined(all, MAX);
    if (n > MAX)
        n = MAX;
    qsort(all, n, sizeof(*all), by_gid);
    bool *done = crace_alloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        struct unjoined_group u = {&all[i], 0, {0}};
        for (size_t k = i; k < n; k++) {
            if (done[k] || all[k].creation != all[i].creation)
                continue;
            done[k] = true;
            if (u.n > 0 && u.n - 1 < sizeof(u.more) / sizeof(u.more[0]))
                u.more[u.n - 1] = all[k].gid;
            u.n++;
        }
        report_render_emit(REPORT_GOROUTINE_LEAK, RENDER_CAP, render_unjoined, &u);
    }
    crace_free(done);
    crace_free(all);
}

/* The first frame of stack outside the shim (where the program, or a
 * library, called an interceptor), or 0. */
static uintptr_t caller_of(stack_id stack)
{
    size_t n = 0;
    const uintptr_t *pcs = depot_get(stack, &n);
    for (size_t i = 0; pcs && i < n; i++)
        if (!crace_pc_in_shim(pcs[i]))
            return pcs[i];
    return 0;
}

/*
 * A worker a library keeps for itself, parked in the library at exit: a
 * thread started by a call from an uninstrumented shared library and
 * blocked in a pthread call made by such code. An OpenMP runtime's pool is
 * one (libomp parks its workers on a condition variable once they have
 * waited KMP_BLOCKTIME, 200 ms, for work), any thread pool inside a
 * library another: the program has no handle on such a thread and never
 * ends it, so it is no leak of the program's. Not the program's own
 * threads (created by its code, instrumented or not: the main program is
 * never a library here), nor libgochan's goroutines blocked in channel
 * and WaitGroup operations.
 */
static bool parked_by_library(const crace_thread *t)
{
    if (!t->wait.blocked || t->wait.kind == WAIT_CHAN || t->wait.kind == WAIT_WAITGROUP)
        return false;
    uintptr_t created = caller_of(t->creation_stack), at = caller_of(t->wait.stack);
    return created && at && crace_pc_in_library(created) && crace_pc_in_library(at);
}

#define LEAK_GRACE_MS 200
#define LEAK_POLL_MS 2

struct leak_scan {
    crace_thread *self;
    crace_thread *found[256];
    size_t n;
};

static void collect_running(crace_thread *t, void *arg)
{
    struct leak_scan *s = arg;
    if (t != s->self && t->gid != 1 && !t->internal && s->n < 256)
        s->found[s->n++] = t;
}

/* Under dl_lock: is every goroutine but self blocked for real, or gone?
 * A waiter for a lock that is free again (main unlocked the mutex a
 * goroutine waits for, then returned at once) is on its way out of its
 * wait, and counts as running: it was reported leaked. */
static bool others_blocked(const crace_thread *self)
{
    absorb_all();
    long others = n_live - (self && self->counted_live && !self->wait.blocked);
    if (n_blocked < others)
        return false;
    for (const crace_thread *t = blocked_head; t; t = t->bnext)
        if (t != self && !wait_is_real(t))
            return false;
    return true;
}

/*
 * The end of the process is near (main returned, or exit was called), and
 * goroutines may still be running: one started just before main returned
 * may not have reached the wait it will never leave, and one that has
 * just signalled its WaitGroup may still be returning from its function.
 * Like goleak, which retries before it calls a goroutine leaked, give
 * them up to LEAK_GRACE_MS: to block or end (leak_check=blocked), or to
 * end (leak_check=running). The common case, every other goroutine
 * blocked or gone already, does not wait.
 */
void dl_settle_at_exit(void)
{
    const char *mode = crace_opts.leak_check;
    if (!crace_opts.detect_deadlocks || !mode || mode[0] == 'n')
        return;
    crace_thread *self = crace_cur;
    for (int waited = 0;; waited += LEAK_POLL_MS) {
        bool settled;
        if (mode[0] == 'r') {
            struct leak_scan s = {.self = self, .n = 0};
            crace_thread_foreach(collect_running, &s);
            settled = s.n == 0;
        } else {
            crace_lock(&dl_lock);
            settled = others_blocked(self);
            crace_unlock(&dl_lock);
        }
        if (settled || waited >= LEAK_GRACE_MS)
            return;
        struct timespec ts = {0, LEAK_POLL_MS * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* At the end of the process, t blocked for real on a lock: would its wait
 * end, were the process to go on? Yes when the holder runs: workers that
 * take turns at a mutex have one or more of them waiting at any instant,
 * and whichever wait at the exit are no leak (a busy pool was reported
 * leaked, 6 to 14 goroutines a run, differently each run). Also when the
 * holder is between the real lock and crace's bookkeeping (no holder
 * named: on its way out of its lock call). No when the holder is the
 * goroutine ending the process (main returned holding it), is gone, or
 * is itself blocked for good; nor for an rwlock held for reading, whose
 * readers nobody names. Under dl_lock. */
static bool lock_wait_ends(const crace_thread *t, const crace_thread *self, int depth)
{
    switch ((enum wait_object)t->wait.kind) {
    case WAIT_RWLOCK:
        if (t->wait.upgrade || !glibc_rwlock_writer((const void *)t->wait.obj))
            return false;
        break;
    case WAIT_MUTEX:
    case WAIT_SPIN:
    case WAIT_ONCE:
        break;
    default:
        return false;
    }
    stack_id lock_stack;
    uint64_t owner = waits_for(t, &lock_stack);
    if (!owner)
        return true;
    if (owner == t->gid || (self && owner == self->gid))
        return false;
    crace_thread *h = crace_thread_by_gid(owner);
    if (!h)
        return false;
    if (!h->wait.blocked || !wait_is_real(h))
        return true;
    return depth < 16 && lock_wait_ends(h, self, depth + 1);
}

void dl_check_leaks(void)
{
    const char *mode = crace_opts.leak_check;
    if (!crace_opts.detect_deadlocks || !mode || mode[0] == 'n')
        return;
    struct leak_scan s = {.self = crace_cur, .n = 0};
    if (mode[0] == 'r') {
        crace_thread_foreach(collect_running, &s);
    } else {
        crace_lock(&dl_lock);
        absorb_all();
        for (crace_thread *t = blocked_head; t && s.n < 256; t = t->bnext)
            if (t != s.self && t->gid != 1 && wait_is_real(t) && !lock_wait_ends(t, s.self, 0))
                s.found[s.n++] = t;
        crace_unlock(&dl_lock);
    }
    /* Outside dl_lock: looking up a module may take the loader's lock,
     * which a thread inside dlopen holds while its constructors lock. */
    size_t kept = 0;
    for (size_t i = 0; i < s.n; i++)
        if (!parked_by_library(s.found[i]))
            s.found[kept++] = s.found[i];
    s.n = kept;
    /* In creation order, as a reader expects. */
    for (size_t i = 1; i < s.n; i++)
        for (size_t k = i; k > 0 && s.found[k - 1]->gid > s.found[k]->gid; k--) {
            crace_thread *x = s.found[k];
            s.found[k] = s.found[k - 1];
            s.found[k - 1] = x;
        }
    crace_lock(&dl_lock);
    absorb_all(); /* a running one may be a light waiter: shown blocked */
    for (size_t i = 0; i < s.n; i++)
        report_render_emit(REPORT_GOROUTINE_LEAK, RENDER_CAP, render_leak, s.found[i]);
    crace_unlock(&dl_lock);
    if (mode[0] == 'r')
        report_unjoined();
}
