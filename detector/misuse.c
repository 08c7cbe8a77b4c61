/*
 * misuse.c: misuse of locks, condition variables and thread handles
 * (misuse.h).
 *
 * A finding is built as data (struct misuse), then rendered in Go's
 * layout:
 *
 *     ==================
 *     WARNING: MISUSE OF MUTEX
 *     pthread_mutex_unlock of mutex 0x000000404060 by goroutine 3, which does not hold it:
 *       worker()
 *           a.c:20 +0x4a
 *
 *     Mutex 0x000000404060 is held by goroutine 2, locked at:
 *       holder()
 *           a.c:12 +0x1e
 *
 *     Mutex 0x000000404060 created at:
 *       main()
 *           a.c:30 +0x5f
 *     ==================
 *
 * Each (kind, code location) is reported once, a code location being the
 * source lines of the whole stack, as for races: a misuse in a loop is
 * one report, an unrolled loop's too, and one statement reached through
 * two callers two; a signal handler's misuse, once per handler; an object
 * that holds garbage, once (every call on it is the same bug). A condition
 * variable's binding follows Helgrind's rule: the waits in progress must
 * all use one mutex; once none is in progress, the next wait may bind
 * another (POSIX allows it).
 *
 * misuse_lock protects the reported list. A leaf, like the sync bucket
 * locks (never both held), never held across a call into the program.
 */
#include "misuse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "fork.h"
#include "lock.h"
#include "shimlock.h"
#include "report.h"
#include "report_json.h"
#include "rt.h"
#include "stackfmt.h"
#include "sync.h"
#include "textbuf.h"

#define MISUSE_KINDS(X)  \
    X(UNLOCK_UNLOCKED)   \
    X(UNLOCK_NOT_OWNER)  \
    X(DESTROY_LOCKED)    \
    X(DESTROY_WAITED)    \
    X(COND_TWO_MUTEXES)  \
    X(USE_DESTROYED)     \
    X(UNINITIALISED)     \
    X(REINIT)            \
    X(ZERO_COUNT)        \
    X(THREAD_GONE)       \
    X(THREAD_INVALID)    \
    X(HELD)              \
    X(DOUBLE_LOCK)       \
    X(RELOCK)            \
    X(EXIT_HELD)         \
    X(EXIT_IGNORING)     \
    X(SIGNAL_ERRNO)      \
    X(SIGNAL_UNSAFE)

enum misuse_kind {
#define MISUSE_X(name) MISUSE_##name,
    MISUSE_KINDS(MISUSE_X)
#undef MISUSE_X
};

static const char *const object_nouns[] = {
#define MISUSE_X(name, noun, cap, title) noun,
    MISUSE_OBJECTS(MISUSE_X)
#undef MISUSE_X
};
static const char *const object_caps[] = {
#define MISUSE_X(name, noun, cap, title) cap,
    MISUSE_OBJECTS(MISUSE_X)
#undef MISUSE_X
};
static const char *const object_titles[] = {
#define MISUSE_X(name, noun, cap, title) title,
    MISUSE_OBJECTS(MISUSE_X)
#undef MISUSE_X
};

/* A finding, as data. */
struct misuse {
    enum misuse_kind kind;
    enum misuse_object object;
    const char *call;
    bool in_wait;     /* the unlock inside a condvar wait */
    bool read;        /* a double lock's: a read lock */
    uintptr_t addr;   /* the object misused */
    uint64_t gid;     /* the caller */
    stack_id stack;
    /* Who holds the lock (unlock by another, destroy of a held lock), or
     * the first of the waits in progress (a condvar's other mutex). */
    uint64_t other_gid; /* 0: a thread crace does not know */
    stack_id other_stack;
    uintptr_t mutex, other_mutex; /* condvar: this wait's and the binding's */
    stack_id creation;            /* a signal handler's: where it was installed */
    int sig, errno_before, errno_after; /* a signal handler's */
};

struct reported {
    struct reported *next;
    enum misuse_kind kind;
    uintptr_t at;   /* its stack (a signal handler's misuse: the handler); else 0 */
    uintptr_t addr; /* an uninitialised object's; else 0 */
    uint64_t where; /* its stack's source lines, hashed (report_stack_lines); else 0 */
};
static gc_lock_t misuse_lock = GC_LOCK_INIT;
static struct reported *reported;

/* True the first time kind is seen with the stack (or other key) at, on
 * the object at addr, or at the source lines hashed as where (each 0 when
 * not asked), and remembered by all three. An object that holds garbage
 * is reported once, at its first use: every later call on it is the same
 * bug (addr, for MISUSE_UNINITIALISED). A call site the compiler copied
 * (a loop unrolled, a function inlined in two places) has several pcs,
 * hence stacks, but is one place in the program's source (where). */
static bool first_time(enum misuse_kind kind, uintptr_t at, uintptr_t addr, uint64_t where)
{
    crace_lock(&misuse_lock);
    for (struct reported *r = reported; r; r = r->next) {
        if (r->kind == kind &&
            ((at && r->at == at) || (addr && r->addr == addr) || (where && r->where == where))) {
            crace_unlock(&misuse_lock);
            return false;
        }
    }
    struct reported *r = crace_alloc(sizeof(*r));
    *r = (struct reported){reported, kind, at, addr, where};
    reported = r;
    crace_unlock(&misuse_lock);
    return true;
}

/* "SIGALRM (signal 14)", or "signal 40" for one without a name. */
static const char *signal_name(int sig, char *buf, size_t cap)
{
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev)
        snprintf(buf, cap, "SIG%s (signal %d)", abbrev, sig);
    else
        snprintf(buf, cap, "signal %d", sig);
    return buf;
}

/* What becomes of the goroutine blocked on an object destroyed or
 * initialised again under it. */
static const char *waited_consequence(const struct misuse *m)
{
    if (strstr(m->call, "_init"))
        return "the init resets the state it waits on";
    if (m->object == MISUSE_SEMAPHORE)
        return "glibc's destroy does not wake it: it stays blocked on memory the program may reuse";
    return "glibc's destroy waits for it to leave";
}

static void render(struct sbuf *b, const void *arg, struct crace_finding *f)
{
    const struct misuse *m = arg;
    const char *noun = object_nouns[m->object];
    unsigned long addr = (unsigned long)m->addr;
    unsigned long long gid = (unsigned long long)m->gid;
    sb_printf(b, "==================\nWARNING: MISUSE OF %s\n", object_titles[m->object]);
    snprintf(f->title, sizeof(f->title), "MISUSE OF %s", object_titles[m->object]);
    struct finding_object *fo = finding_object(f, noun, m->addr);
    fo->created_at = finding_depot(m->creation, &fo->n_created_at);
    struct finding_goroutine *g = finding_goroutine(f, m->gid, "running");
    g->stack = finding_depot(m->stack, &g->n_stack);
    char at[256], key[512], sig_name[32];
    finding_where(g->stack, g->n_stack, false, at, sizeof(at), key, sizeof(key));
    char full[700];
    snprintf(full, sizeof(full), "%s|%s", f->title, key);
    finding_key(f, full);
    /* The heading's words, without addresses: "Misuse of mutex:
     * pthread_mutex_unlock of unlocked mutex at pool.c:88 (main goroutine)". */
    struct sbuf msg = {f->message, sizeof(f->message), 0};
    sb_printf(&msg, "Misuse of %s: ", noun);
    switch (m->kind) {
    case MISUSE_UNLOCK_UNLOCKED:
        sb_printf(b, "%s %s unlocked %s 0x%012lx by goroutine %llu:\n", m->call, m->in_wait ? "with" : "of",
                  noun, addr, gid);
        sb_printf(&msg, "%s %s unlocked %s", m->call, m->in_wait ? "with" : "of", noun);
        break;
    case MISUSE_UNLOCK_NOT_OWNER:
        sb_printf(b, "%s %s %s 0x%012lx by goroutine %llu, which does not hold it:\n", m->call,
                  m->in_wait ? "with" : "of", noun, addr, gid);
        sb_printf(&msg, "%s %s %s not held", m->call, m->in_wait ? "with" : "of", noun);
        break;
    case MISUSE_DESTROY_LOCKED:
        sb_printf(b, "%s of locked %s 0x%012lx by goroutine %llu:\n", m->call, noun, addr, gid);
        sb_printf(&msg, "%s of locked %s", m->call, noun);
        break;
    case MISUSE_DESTROY_WAITED:
        sb_printf(b, "%s of %s 0x%012lx by goroutine %llu while goroutine %llu waits on it:\n", m->call, noun,
                  addr, gid, (unsigned long long)m->other_gid);
        sb_printf(&msg, "%s of %s waited on", m->call, noun);
        break;
    case MISUSE_UNINITIALISED:
        sb_printf(b, "%s of %s 0x%012lx by goroutine %llu, which holds no initialised %s (never initialised, "
                  "or overwritten since):\n", m->call, noun, addr, gid, noun);
        sb_printf(&msg, "%s of uninitialised %s", m->call, noun);
        break;
    case MISUSE_REINIT:
        sb_printf(b, "%s of %s 0x%012lx by goroutine %llu, initialised already and not destroyed:\n", m->call,
                  noun, addr, gid);
        sb_printf(&msg, "%s of %s initialised already", m->call, noun);
        break;
    case MISUSE_ZERO_COUNT:
        sb_printf(b, "%s of %s 0x%012lx with count 0 by goroutine %llu (it failed: nothing was initialised):\n",
                  m->call, noun, addr, gid);
        sb_printf(&msg, "%s of %s with count 0", m->call, noun);
        break;
    case MISUSE_COND_TWO_MUTEXES:
        sb_printf(b, "%s on %s 0x%012lx with mutex 0x%012lx by goroutine %llu:\n", m->call, noun, addr,
                  (unsigned long)m->mutex, gid);
        sb_printf(&msg, "%s on %s with a second mutex", m->call, noun);
        break;
    case MISUSE_USE_DESTROYED:
        sb_printf(b, "%s of destroyed %s 0x%012lx by goroutine %llu (it failed: nothing was %s):\n", m->call,
                  noun, addr, gid, strstr(m->call, "unlock") ? "unlocked" : "locked");
        sb_printf(&msg, "%s of destroyed %s", m->call, noun);
        break;
    case MISUSE_THREAD_GONE:
        sb_printf(b, "%s of %s 0x%012lx, joined or detached already, by goroutine %llu:\n", m->call, noun, addr,
                  gid);
        sb_printf(&msg, "%s of a %s joined or detached already", m->call, noun);
        break;
    case MISUSE_THREAD_INVALID:
        sb_printf(b, "%s of %s 0x%012lx by goroutine %llu: the handle names no thread (never set, or "
                  "corrupted):\n", m->call, noun, addr, gid);
        sb_printf(&msg, "%s of a handle that names no %s", m->call, noun);
        break;
    case MISUSE_HELD:
        sb_printf(b, "%s by goroutine %llu, which holds %s 0x%012lx:\n", m->call, gid, noun, addr);
        sb_printf(&msg, "%s with a %s held", m->call, noun);
        break;
    case MISUSE_DOUBLE_LOCK:
        sb_printf(b, "%s%s of %s 0x%012lx by goroutine %llu while goroutine %llu holds it%s:\n", m->call,
                  m->read ? " (read)" : "", noun, addr, gid, (unsigned long long)m->other_gid,
                  m->read ? " for writing" : "");
        sb_printf(&msg, "%s of %s held by another goroutine", m->call, noun);
        break;
    case MISUSE_RELOCK:
        sb_printf(b, "%s of %s 0x%012lx by goroutine %llu, which holds it%s (it failed: EDEADLK, nothing "
                  "was locked):\n", m->call, noun, addr, gid, m->object == MISUSE_RWLOCK ? " for writing" : "");
        sb_printf(&msg, "%s of a %s its goroutine holds", m->call, noun);
        break;
    case MISUSE_EXIT_HELD:
        sb_printf(b, "Goroutine %llu finished holding %s 0x%012lx%s, which it locked at:\n", gid, noun, addr,
                  m->read ? " for reading" : "");
        sb_printf(&msg, "goroutine finished holding a %s", noun);
        break;
    case MISUSE_EXIT_IGNORING:
        sb_printf(b,
                  "Goroutine %llu finished with its accesses ignored: an ignore annotation was never ended "
                  "(nothing it did since was checked), begun at:\n",
                  gid);
        sb_printf(&msg, "goroutine finished inside an ignore annotation");
        break;
    case MISUSE_SIGNAL_ERRNO:
        sb_printf(b,
                  "%s 0x%012lx for %s returned with errno changed (%d -> %d) in goroutine %llu, "
                  "where the code it interrupted may read errno next:\n",
                  object_caps[m->object], addr, signal_name(m->sig, sig_name, sizeof(sig_name)), m->errno_before,
                  m->errno_after, gid);
        sb_printf(&msg, "%s for %s changed errno", noun, sig_name);
        break;
    case MISUSE_SIGNAL_UNSAFE:
        sb_printf(b,
                  "%s in the %s 0x%012lx for %s by goroutine %llu: not async-signal-safe (a signal that "
                  "lands inside the allocator deadlocks on its lock or corrupts the heap):\n",
                  m->call, noun, addr, signal_name(m->sig, sig_name, sizeof(sig_name)), gid);
        sb_printf(&msg, "%s in the %s for %s", m->call, noun, sig_name);
        break;
    }
    sb_printf(&msg, " at %s", at);
    finding_stack_depot(f, b, m->gid, m->stack);
    stackfmt_depot(b, m->stack, STACK_STYLE_REPORT);

    switch (m->kind) {
    case MISUSE_UNLOCK_UNLOCKED:
    case MISUSE_USE_DESTROYED:
    case MISUSE_UNINITIALISED:
    case MISUSE_REINIT:
    case MISUSE_ZERO_COUNT:
    case MISUSE_THREAD_GONE:
    case MISUSE_THREAD_INVALID:
    case MISUSE_SIGNAL_ERRNO:
    case MISUSE_SIGNAL_UNSAFE:
    case MISUSE_EXIT_HELD:
    case MISUSE_EXIT_IGNORING:
        break;
    case MISUSE_UNLOCK_NOT_OWNER:
    case MISUSE_DESTROY_LOCKED:
    case MISUSE_HELD:
    case MISUSE_DOUBLE_LOCK:
    case MISUSE_RELOCK:
        if (m->other_gid && m->other_stack) {
            sb_printf(b, "\n%s 0x%012lx is held by goroutine %llu, locked at:\n", object_caps[m->object], addr,
                      (unsigned long long)m->other_gid);
            fo->held_by = (int64_t)m->other_gid;
            finding_stack_depot(f, b, m->other_gid, m->other_stack);
            stackfmt_depot(b, m->other_stack, STACK_STYLE_REPORT);
        } else if (m->other_gid) {
            sb_printf(b, "\n%s 0x%012lx is held by goroutine %llu.\n", object_caps[m->object], addr,
                      (unsigned long long)m->other_gid);
        } else {
            sb_printf(b, "\n%s 0x%012lx is held by another thread.\n", object_caps[m->object], addr);
        }
        break;
    case MISUSE_DESTROY_WAITED:
        sb_printf(b, "\nGoroutine %llu waits on %s 0x%012lx at (%s):\n", (unsigned long long)m->other_gid, noun,
                  addr, waited_consequence(m));
        finding_stack_depot(f, b, m->other_gid, m->other_stack);
        stackfmt_depot(b, m->other_stack, STACK_STYLE_REPORT);
        break;
    case MISUSE_COND_TWO_MUTEXES:
        sb_printf(b, "\n%s 0x%012lx is in use with mutex 0x%012lx by goroutine %llu, waiting at:\n",
                  object_caps[m->object], addr, (unsigned long)m->other_mutex, (unsigned long long)m->other_gid);
        finding_stack_depot(f, b, m->other_gid, m->other_stack);
        stackfmt_depot(b, m->other_stack, STACK_STYLE_REPORT);
        break;
    }
    if (m->creation) {
        sb_printf(b, "\n%s 0x%012lx %s at:\n", object_caps[m->object], addr,
                  m->object == MISUSE_SIGNAL ? "installed" : "created");
        finding_stack_depot(f, b, 0, m->creation);
        stackfmt_depot(b, m->creation, STACK_STYLE_REPORT);
    }
    sb_printf(b, "==================\n");
}

/* Reports m (which t met calling at pc) unless its kind was reported
 * with the same stack or the same source lines before (or, for an
 * uninitialised object, on that object); a signal handler's, unless
 * reported for the same handler (pc names it). */
static void emit(crace_thread *t, struct misuse *m, uintptr_t pc)
{
    int saved_errno = errno; /* the program's, whatever libdw and the output do */
    t->in_shim++;
    if (!m->stack)
        m->stack = crace_current_stack(t, pc);
    bool per_handler = m->kind == MISUSE_SIGNAL_ERRNO || m->kind == MISUSE_SIGNAL_UNSAFE;
    uintptr_t at = per_handler ? pc : (uintptr_t)m->stack;
    if (first_time(m->kind, at, m->kind == MISUSE_UNINITIALISED ? m->addr : 0, 0)) {
        size_t n;
        const uintptr_t *pcs = depot_get(m->stack, &n);
        if (per_handler || first_time(m->kind, 0, 0, report_stack_lines(pcs, n)))
            report_render_emit(REPORT_MISUSE, 32 * 1024, render, m);
    }
    t->in_shim--;
    errno = saved_errno;
}

/* Where the object at addr was created, if the shim saw it. */
static stack_id creation_of(uintptr_t addr)
{
    stack_id creation = 0;
    sync_var *s = sync_lock(addr, false, 0);
    if (s) {
        creation = s->creation;
        sync_unlock(s);
    }
    return creation;
}

void misuse_unlock(crace_thread *t, enum misuse_object obj, const char *call, bool in_wait, uintptr_t lock,
                   enum misuse_holder real, const struct misuse_lock_info *info, uintptr_t pc)
{
    struct misuse m = {.object = obj, .call = call, .in_wait = in_wait, .addr = lock, .gid = t->gid,
                       .creation = info->creation};
    bool other_known = info->owner_gid && info->owner_gid != t->gid;
    switch (real) {
    case HOLDER_CALLER:
        return; /* taken where the shim did not see it */
    case HOLDER_NONE:
        m.kind = MISUSE_UNLOCK_UNLOCKED;
        break;
    case HOLDER_OTHER:
    case HOLDER_UNKNOWN:
        if (real == HOLDER_UNKNOWN && !other_known)
            return; /* perhaps the caller's after all */
        m.kind = MISUSE_UNLOCK_NOT_OWNER;
        if (other_known) {
            m.other_gid = info->owner_gid;
            m.other_stack = info->lock_stack;
        }
        break;
    }
    emit(t, &m, pc);
}

void misuse_held(crace_thread *t, const char *call, uintptr_t lock, stack_id lock_stack, uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_HELD, .object = MISUSE_MUTEX, .call = call, .addr = lock, .gid = t->gid,
                       .other_gid = t->gid, .other_stack = lock_stack, .creation = creation_of(lock)};
    emit(t, &m, pc);
}

void misuse_lock_held(crace_thread *t, const char *call, bool read, uintptr_t lock,
                      const struct misuse_lock_info *info, uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_DOUBLE_LOCK, .object = MISUSE_MUTEX, .call = call, .read = read,
                       .addr = lock, .gid = t->gid, .other_gid = info->owner_gid,
                       .other_stack = info->lock_stack, .creation = info->creation};
    emit(t, &m, pc);
}

void misuse_relock(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t lock, stack_id lock_stack,
                   uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_RELOCK, .object = obj, .call = call, .addr = lock, .gid = t->gid,
                       .other_gid = t->gid, .other_stack = lock_stack, .creation = creation_of(lock)};
    emit(t, &m, pc);
}

void misuse_destroy(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t lock,
                    enum misuse_holder real, uintptr_t pc)
{
    if (real == HOLDER_NONE)
        return;
    struct misuse_lock_info info = {0, 0, 0};
    sync_var *s = sync_lock(lock, false, 0);
    if (s) {
        info = (struct misuse_lock_info){s->owner_gid, s->lock_stack, s->creation};
        sync_unlock(s);
    }
    misuse_destroy_held(t, obj, call, lock, real, &info, pc);
}

void misuse_destroy_held(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t lock,
                         enum misuse_holder real, const struct misuse_lock_info *info, uintptr_t pc)
{
    if (real == HOLDER_NONE)
        return;
    struct misuse m = {.kind = MISUSE_DESTROY_LOCKED, .object = obj, .call = call, .addr = lock, .gid = t->gid,
                       .creation = info->creation};
    uint64_t owner = info->owner_gid;
    stack_id lock_stack = info->lock_stack;
    /* The lock's own state wins over the bookkeeping where they differ. */
    if (real == HOLDER_CALLER) {
        m.other_gid = t->gid;
        m.other_stack = owner == t->gid ? lock_stack : 0;
    } else if (owner != t->gid) {
        m.other_gid = owner;
        m.other_stack = owner ? lock_stack : 0;
    }
    emit(t, &m, pc);
}

void misuse_cond_wait_begin(crace_thread *t, const char *call, uintptr_t cond, uintptr_t mutex, stack_id stack,
                            uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_COND_TWO_MUTEXES, .object = MISUSE_COND, .call = call, .addr = cond,
                       .gid = t->gid, .stack = stack, .mutex = mutex};
    bool two = false;
    sync_var *s = sync_lock(cond, true, 0);
    struct sync_cond_binding *b = &s->cond;
    if (b->waiters == 0) {
        *b = (struct sync_cond_binding){mutex, t->gid, stack, 0};
    } else if (b->mutex != mutex) {
        two = true;
        m.other_mutex = b->mutex;
        m.other_gid = b->gid;
        m.other_stack = b->stack;
        m.creation = s->creation;
    }
    b->waiters++;
    sync_unlock(s);
    if (two)
        emit(t, &m, pc);
}

void misuse_cond_wait_end(crace_thread *t, uintptr_t cond)
{
    (void)t;
    sync_var *s = sync_lock(cond, false, 0);
    if (!s)
        return;
    if (s->cond.waiters > 0)
        s->cond.waiters--;
    sync_unlock(s);
}

void misuse_destroy_waited(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t addr,
                           uint64_t waiter, stack_id stack, uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_DESTROY_WAITED, .object = obj, .call = call, .addr = addr, .gid = t->gid,
                       .other_gid = waiter, .other_stack = stack, .creation = creation_of(addr)};
    emit(t, &m, pc);
}

void misuse_uninitialised(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t addr,
                          uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_UNINITIALISED, .object = obj, .call = call, .addr = addr, .gid = t->gid};
    emit(t, &m, pc);
}

void misuse_reinit(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t addr, stack_id creation,
                   uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_REINIT, .object = obj, .call = call, .addr = addr, .gid = t->gid,
                       .creation = creation};
    emit(t, &m, pc);
}

void misuse_zero_count(crace_thread *t, const char *call, uintptr_t addr, uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_ZERO_COUNT, .object = MISUSE_BARRIER, .call = call, .addr = addr,
                       .gid = t->gid};
    emit(t, &m, pc);
}

void misuse_destroyed(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t addr, uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_USE_DESTROYED, .object = obj, .call = call, .addr = addr, .gid = t->gid};
    emit(t, &m, pc);
}

void misuse_thread_gone(crace_thread *t, const char *call, uintptr_t th, uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_THREAD_GONE, .object = MISUSE_THREAD, .call = call, .addr = th,
                       .gid = t->gid};
    emit(t, &m, pc);
}

void misuse_thread_invalid(crace_thread *t, const char *call, uintptr_t th, uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_THREAD_INVALID, .object = MISUSE_THREAD, .call = call, .addr = th,
                       .gid = t->gid};
    emit(t, &m, pc);
}

void misuse_exit_held(crace_thread *t, enum misuse_object obj, uintptr_t lock, bool read, stack_id stack)
{
    struct misuse m = {.kind = MISUSE_EXIT_HELD, .object = obj, .read = read, .addr = lock, .gid = t->gid,
                       .stack = stack};
    bool held = read;
    sync_var *s = sync_lock(lock, false, 0);
    if (s) {
        held = read || (s->owner_gid == t->gid && s->recursion > 0);
        m.creation = s->creation;
        sync_unlock(s);
    }
    /* Held by the bookkeeping too (not a lock only the annotations
     * describe); once per place it was locked from. */
    if (held)
        emit(t, &m, (uintptr_t)stack);
}

void misuse_exit_ignoring(crace_thread *t)
{
    struct misuse m = {.kind = MISUSE_EXIT_IGNORING, .object = MISUSE_THREAD, .gid = t->gid, .stack = t->ignore_stack};
    if (m.stack)
        emit(t, &m, (uintptr_t)m.stack);
}

void misuse_signal_errno(crace_thread *t, int sig, uintptr_t handler, int before, int after, stack_id installed)
{
    struct misuse m = {.kind = MISUSE_SIGNAL_ERRNO, .object = MISUSE_SIGNAL, .addr = handler, .gid = t->gid,
                       .creation = installed, .sig = sig, .errno_before = before, .errno_after = after};
    /* The handler's first instruction, as a return address (one past it),
     * on top of the stack it was called with. */
    emit(t, &m, handler + 1);
}

void misuse_signal_unsafe(crace_thread *t, const char *call, int sig, uintptr_t handler, stack_id installed,
                          uintptr_t pc)
{
    struct misuse m = {.kind = MISUSE_SIGNAL_UNSAFE, .object = MISUSE_SIGNAL, .call = call, .addr = handler,
                       .gid = t->gid, .creation = installed, .sig = sig};
    /* Once per handler, at its first such call: one fix (do less in the
     * handler) answers them all. */
    t->in_shim++;
    m.stack = crace_current_stack(t, pc);
    t->in_shim--;
    emit(t, &m, handler);
}

void misuse_fork(enum crace_fork_phase phase)
{
    crace_fork_lock(&misuse_lock, phase);
}
