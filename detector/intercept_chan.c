/*
 * intercept_chan.c: libgochan's synchronisation, as Go's memory model
 * defines it, through the hooks libgochan calls at the exact points
 * (runtime/include/gochan_hooks.h).
 *
 * Edges are per message, never one clock per channel:
 *  - a buffered value passes through slot idx: the sender and the receiver
 *    each acquire the slot's clock and store theirs (Go's
 *    racereleaseacquire), so the k-th send happens before the k-th
 *    receive, and the k-th receive before the (k+C)-th send;
 *  - a hand-off with a parked goroutine goes through that goroutine's
 *    waiter record, whose clock it stored when it parked;
 *  - a close releases into the channel's close clock, acquired by every
 *    receive that returns because the channel is closed;
 *  - waitgroup_done releases into the WaitGroup, waitgroup_wait acquires.
 * Hooks run under the channel's lock (libgochan's, invisible to the
 * program), so a channel's slot clocks need no lock of their own.
 *
 * Beyond happens-before: where a channel was closed and where a
 * WaitGroup's counter last reached zero are kept for libgochan's panics
 * (the panic hook adds them to Go's message), and empty non-blocking polls
 * are counted per thread to catch a busy select loop.
 */
#include <errno.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "crash.h"
#include "deadlock.h"
#include "fork.h"
#include "gochan_hooks.h"
#include "intercept.h"
#include "lock.h"
#include "shimlock.h"
#include "options.h"
#include "report.h"
#include "report_json.h"
#include "stackfmt.h"
#include "symbolize.h"
#include "sync.h"
#include "textbuf.h"

/* Per channel: created by chan_make, freed with the sync object. */
struct chan_info {
    size_t cap;
    vclock_t *slot; /* cap clocks, one per buffer slot */
    vclock_t close;
    stack_id closed_at; /* where it was closed (once: a second close panics) */
    uint64_t closer_gid;
};

/* Per WaitGroup, in its sync object: the Done that last brought the
 * counter to zero, for the panic of a negative counter. */
struct wg_info {
    stack_id zero_at;
    uint64_t zero_gid;
    bool added; /* an Add has raised the counter since the WaitGroup was made */
};

/* The WaitGroup's record in s, made on first use. Under s's lock. */
static struct wg_info *wg_info_of(sync_var *s)
{
    if (!s->ext) {
        s->ext = crace_alloc(sizeof(struct wg_info));
        s->ext_free = crace_free;
    }
    return s->ext;
}

static void chan_info_free(void *p)
{
    struct chan_info *ci = p;
    for (size_t i = 0; i < ci->cap; i++)
        vc_destroy(&ci->slot[i]);
    crace_free(ci->slot);
    vc_destroy(&ci->close);
    crace_free(ci);
}

/* The channel's record, created on first sight (a channel made before the
 * shim could see it still gets exact edges from then on). */
static struct chan_info *chan_info(const void *c, size_t cap_hint)
{
    sync_var *s = sync_lock((uintptr_t)c, true, 0);
    if (!s->ext) {
        struct chan_info *ci = crace_alloc(sizeof(*ci));
        ci->cap = cap_hint;
        ci->slot = crace_alloc((cap_hint ? cap_hint : 1) * sizeof(vclock_t));
        vc_init(&ci->close);
        s->ext = ci;
        s->ext_free = chan_info_free;
    }
    struct chan_info *ci = s->ext;
    sync_unlock(s);
    return ci;
}

/* Hooks enter the shim: nothing they do may be intercepted again. */
static crace_thread *enter(void)
{
    crace_thread *t = crace_thr();
    t->in_shim++;
    return t;
}

static void leave(crace_thread *t)
{
    t->in_shim--;
}

/* The caller's pc in the program: the first frame outside libgochan and
 * the shim, so WaitGroup races point at the waitgroup_add/wait call. */
static uintptr_t program_pc(void)
{
    uintptr_t pcs[16];
    size_t n = gc_unwind(pcs, 16, 1);
    for (size_t i = 0; i < n; i++) {
        Dl_info info;
        if (dladdr((void *)pcs[i], &info) && info.dli_fname &&
            (strstr(info.dli_fname, "libgochan") || strstr(info.dli_fname, "libcrace")))
            continue;
        return pcs[i];
    }
    return n ? pcs[n - 1] : 0;
}

static void h_chan_make(const chan_t *c, size_t elem_size, size_t cap)
{
    (void)elem_size;
    crace_thread *t = enter();
    sync_var *s = sync_lock((uintptr_t)c, true, 0);
    s->creation = crace_current_stack(t, program_pc());
    sync_unlock(s);
    chan_info(c, cap);
    leave(t);
}

static void h_chan_free(const chan_t *c)
{
    crace_thread *t = enter();
    sync_free((uintptr_t)c);
    leave(t);
}

static void h_chan_slot(const chan_t *c, size_t idx, const void *waiter)
{
    crace_thread *t = enter();
    struct chan_info *ci = chan_info(c, idx + 1);
    if (idx < ci->cap) {
        vclock_t *slot = &ci->slot[idx];
        if (!waiter) {
            vc_join(&t->vc, slot);
            vc_copy(slot, &t->vc);
            crace_thread_tick(t);
        } else {
            /* On behalf of a parked goroutine: its clock is the one it
             * stored in its waiter record when it parked; what it gains
             * here it acquires when it resumes. */
            sync_var *w = sync_lock((uintptr_t)waiter, true, 0);
            vc_join(&w->vc, slot);
            vc_copy(slot, &w->vc);
            sync_unlock(w);
        }
    }
    leave(t);
}

static void h_chan_handoff(const chan_t *c, const void *waiter)
{
    (void)c;
    crace_thread *t = enter();
    crace_acq_rel(t, (uintptr_t)waiter);
    leave(t);
}

/* Go's racereadpc(c) at the start of a send, and racewritepc(c) in
 * close: the channel's first byte stands for it. */
static void h_chan_send_begin(const chan_t *c, uintptr_t pc)
{
    crace_thread *t = enter();
    if (!crace_ignoring(t))
        crace_access(t, (uintptr_t)c, 1, false, false, pc);
    leave(t);
}

/* The value sent read, and the value received written, where Go's
 * compiler instruments `c <- x` and `x = <-c` in the program. */
static void chan_value(const void *elem, size_t elem_size, bool is_write, uintptr_t pc)
{
    crace_thread *t = enter();
    if (!crace_ignoring(t))
        crace_check_range(t, elem, elem_size, is_write, pc);
    leave(t);
}

static void h_chan_send_value(const void *elem, size_t elem_size, uintptr_t pc)
{
    chan_value(elem, elem_size, false, pc);
}

static void h_chan_recv_value(void *elem, size_t elem_size, uintptr_t pc)
{
    chan_value(elem, elem_size, true, pc);
}

static void h_chan_close(const chan_t *c)
{
    crace_thread *t = enter();
    if (!crace_ignoring(t))
        crace_access(t, (uintptr_t)c, 1, true, false, program_pc());
    stack_id closed_at = crace_current_stack(t, program_pc());
    struct chan_info *ci = chan_info(c, 0);
    vc_join(&ci->close, &t->vc);
    ci->closed_at = closed_at;
    ci->closer_gid = t->gid;
    crace_thread_tick(t);
    leave(t);
}

static void h_chan_recv_closed(const chan_t *c)
{
    crace_thread *t = enter();
    struct chan_info *ci = chan_info(c, 0);
    vc_join(&t->vc, &ci->close);
    leave(t);
}

static const char *const wait_reasons[] = {
#define GOCHAN_X(name, text) text,
    GOCHAN_WAIT_REASONS(GOCHAN_X)
#undef GOCHAN_X
};

static enum wait_object wait_object_of(enum gochan_wait_reason reason)
{
    switch (reason) {
    case GOCHAN_WAIT_CHAN_SEND:
    case GOCHAN_WAIT_CHAN_RECV:
    case GOCHAN_WAIT_SELECT:
        return WAIT_CHAN;
    case GOCHAN_WAIT_WAITGROUP:
        return WAIT_WAITGROUP;
    case GOCHAN_WAIT_SELECT_NO_CASES:
    case GOCHAN_WAIT_CHAN_SEND_NIL:
    case GOCHAN_WAIT_CHAN_RECV_NIL:
    case GOCHAN_WAIT_COUNT:
        break;
    }
    return WAIT_NONE;
}

/* A wait with a timer, which ends by itself: noted for a report of the
 * goroutine still alive at exit (leak_check=running, which alone reports
 * such goroutines: a stack costs a walk). */
static void timed_wait(crace_thread *t, const char *reason)
{
    const char *mode = crace_opts.leak_check;
    if (!mode || mode[0] != 'r')
        return;
    t->timed_stack = crace_current_stack(t, program_pc());
    __atomic_store_n(&t->timed_reason, reason, __ATOMIC_RELEASE);
}

static void h_block(const void *waiter, enum gochan_wait_reason reason, const void *obj, bool timed)
{
    crace_thread *t = enter();
    crace_release_store(t, (uintptr_t)waiter);
    if (timed && reason < GOCHAN_WAIT_COUNT)
        timed_wait(t, wait_reasons[reason]);
    /* A timed wait (a chan_after or deadline case) ends by itself. */
    if (!timed && reason < GOCHAN_WAIT_COUNT)
        dl_block(t, wait_reasons[reason], obj ? wait_object_of(reason) : WAIT_NONE, (uintptr_t)obj, 0, waiter,
                 crace_current_stack(t, program_pc()));
    leave(t);
}

/* A select's block: the channels of its first SEL_SCAN cases in lock
 * order (dl_block_select names the distinct ones among them), the other
 * cases counted. */
#define SEL_SCAN 64

static void h_block_select(const void *waiter, const chan_case *cases, const uint32_t *order, size_t n, bool timed)
{
    crace_thread *t = enter();
    crace_release_store(t, (uintptr_t)waiter);
    if (timed)
        timed_wait(t, wait_reasons[GOCHAN_WAIT_SELECT]);
    if (!timed && n > 0) {
        uintptr_t chans[SEL_SCAN];
        size_t k = n < SEL_SCAN ? n : SEL_SCAN;
        for (size_t i = 0; i < k; i++)
            chans[i] = (uintptr_t)cases[order[i]].c;
        dl_block_select(t, wait_reasons[GOCHAN_WAIT_SELECT], chans, k, n - k, waiter,
                        crace_current_stack(t, program_pc()));
    }
    leave(t);
}

static void h_ready(const void *waiter)
{
    crace_thread *t = enter();
    dl_wake_token(waiter);
    leave(t);
}

static void h_resume(const void *waiter)
{
    crace_thread *t = enter();
    if (t->timed_reason)
        __atomic_store_n(&t->timed_reason, NULL, __ATOMIC_RELAXED);
    dl_unblock(t);
    crace_acquire(t, (uintptr_t)waiter);
    leave(t);
}

static void h_timers(int delta)
{
    dl_timers(delta);
}

static void h_wg_add(const waitgroup_t *wg, int delta, int64_t counter)
{
    crace_thread *t = enter();
    /* Go's rule: an Add that raises the counter from zero must happen
     * before a concurrent Wait; modelled as a read of the WaitGroup that
     * races with the write each Wait makes. */
    if (delta > 0 && counter == delta && !crace_ignoring(t))
        crace_access(t, (uintptr_t)wg, 1, false, false, program_pc());
    if (delta < 0)
        crace_release(t, (uintptr_t)wg);
    if (delta > 0 && counter == delta) {
        sync_var *s = sync_lock((uintptr_t)wg, true, 0);
        wg_info_of(s)->added = true;
        sync_unlock(s);
    }
    /* Once per round, not per Done: one unwind. */
    if (delta < 0 && counter == 0) {
        stack_id at = crace_current_stack(t, program_pc());
        sync_var *s = sync_lock((uintptr_t)wg, true, 0);
        struct wg_info *wi = wg_info_of(s);
        wi->zero_at = at;
        wi->zero_gid = t->gid;
        sync_unlock(s);
    }
    leave(t);
}

/*
 * Go's rule, and one more. The first waiter of a round writes the
 * WaitGroup (an Add from zero that nothing orders with it races with
 * that). A Wait that finds the counter zero writes nothing in Go; here,
 * on a WaitGroup that no Add has raised yet, it writes atomically: Go's
 * classic bug, the Add inside the goroutine, made after a Wait that
 * returned at once, races with it, while Waits, all atomic there, do not
 * race with one another (Go's TestNoRaceWaitGroupMultipleWait).
 */
static void h_wg_wait_begin(const waitgroup_t *wg, bool at_zero)
{
    crace_thread *t = enter();
    bool fresh = false;
    if (at_zero) {
        sync_var *s = sync_lock((uintptr_t)wg, false, 0);
        fresh = !s || !s->ext || !((struct wg_info *)s->ext)->added;
        if (s)
            sync_unlock(s);
    }
    if (!crace_ignoring(t) && (!at_zero || fresh))
        crace_access(t, (uintptr_t)wg, 1, true, at_zero, program_pc());
    leave(t);
}

static void h_wg_wait_end(const waitgroup_t *wg)
{
    crace_thread *t = enter();
    crace_acquire(t, (uintptr_t)wg);
    leave(t);
}

/* ---------------------------------------------------------------- panics */

/* What the shim knows of the channel c: where it was closed and created. */
static void put_chan_history(struct sbuf *b, const void *c, struct crace_finding *f)
{
    stack_id creation = 0, closed_at = 0;
    uint64_t closer = 0;
    sync_var *s = sync_lock((uintptr_t)c, false, 0);
    if (s) {
        creation = s->creation;
        const struct chan_info *ci = s->ext;
        if (ci) {
            closed_at = ci->closed_at;
            closer = ci->closer_gid;
        }
        sync_unlock(s);
    }
    if (closed_at) {
        sb_printf(b, "channel 0x%012lx was closed by goroutine %llu at:\n", (unsigned long)c,
                  (unsigned long long)closer);
        finding_stack_depot(f, b, closer, closed_at);
        stackfmt_depot(b, closed_at, STACK_STYLE_DUMP);
    }
    struct finding_object *fo = finding_object(f, "channel", (uintptr_t)c);
    fo->created_at = finding_depot(creation, &fo->n_created_at);
    if (creation) {
        sb_printf(b, "channel 0x%012lx created at:\n", (unsigned long)c);
        finding_stack_depot(f, b, 0, creation);
        stackfmt_depot(b, creation, STACK_STYLE_DUMP);
    }
}

static void put_wg_history(struct sbuf *b, const void *wg, struct crace_finding *f)
{
    struct wg_info wi = {0, 0, false};
    sync_var *s = sync_lock((uintptr_t)wg, false, 0);
    if (s) {
        if (s->ext)
            wi = *(const struct wg_info *)s->ext;
        sync_unlock(s);
    }
    if (wi.zero_at) {
        sb_printf(b, "waitgroup 0x%012lx counter last reached zero in goroutine %llu at:\n", (unsigned long)wg,
                  (unsigned long long)wi.zero_gid);
        finding_stack_depot(f, b, wi.zero_gid, wi.zero_at);
        stackfmt_depot(b, wi.zero_at, STACK_STYLE_DUMP);
    }
    finding_object(f, "waitgroup", (uintptr_t)wg);
}

/* libgochan printed "panic: ..." and the goroutine's stack, and exits 2
 * when this returns: what the shim knows of obj, in the same dump layout,
 * to the same stream (stderr), then the summary of the findings so far. */
/* libgochan's own frames, which its panic stack leaves out: runtime
 * names (as runtime/src/panic.c tells them) in libgochan. */
static int probe_runtime(const struct gc_frame *f, void *arg)
{
    static const char *const prefixes[] = {"gc_", "chan_", "waitgroup_", "context_", "gochan_"};
    bool *runtime = arg;
    const char *fn = f->function;
    if (gc_frame_is_hidden(f) && !(f->module && strstr(f->module, "libgochan")))
        return 0; /* the shim's own frames */
    *runtime = false;
    if (!fn)
        return 0;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(fn, prefixes[i], strlen(prefixes[i])) == 0)
            *runtime = true;
    if (strcmp(fn, "go") == 0)
        *runtime = true;
    return 0;
}

static size_t skip_runtime(const uintptr_t *pcs, size_t n)
{
    size_t i = 0;
    for (; i < n; i++) {
        bool runtime = true; /* hidden frames (the shim's) are skipped too */
        gc_symbolize(pcs[i], true, probe_runtime, &runtime);
        if (!runtime)
            break;
    }
    return i;
}

/* One frame as libgochan's gc_print_stack prints it (runtime/src/
 * symbolize.c), unshortened: "f()\n\tfile:line +0xoff\n", an inlined
 * call as "f(...)\n\tfile:line\n". */
static int put_gochan_frame(const struct gc_frame *f, void *arg)
{
    struct sbuf *b = arg;
    if (gc_frame_is_hidden(f))
        return 0;
    const char *fn = f->function ? f->function : "??";
    if (f->file && f->inlined)
        sb_printf(b, "%s(...)\n\t%s:%d\n", fn, f->file, f->line);
    else if (f->file)
        sb_printf(b, "%s()\n\t%s:%d +0x%lx\n", fn, f->file, f->line, (unsigned long)f->func_offset);
    else
        sb_printf(b, "%s()\n\t%s +0x%lx\n", fn, f->module ? f->module : "??", (unsigned long)f->func_offset);
    return 0;
}

/* The panic's record: libgochan printed "panic: MSG", the goroutine's
 * stack and (to stderr, as the text below) what the shim adds; the text
 * is rebuilt from the message and the stack unwound here, which are what
 * libgochan printed. Written before libgochan exits. */
static void panic_record(crace_thread *t, const char *msg, const uintptr_t *pcs, size_t n, const struct sbuf *extra,
                         struct crace_finding *f)
{
    enum { CAP = 64 * 1024 };
    struct sbuf b = {crace_alloc(CAP), CAP, 0};
    sb_printf(&b, "panic: %s\n\ngoroutine %llu [running]:\n", msg, (unsigned long long)t->gid);
    /* The panicking stack comes first in the record, as in the text. */
    struct finding_stack first = {.gid = t->gid, .pcs = pcs, .n = n};
    snprintf(first.title, sizeof(first.title), "goroutine %llu [running]", (unsigned long long)t->gid);
    if (f->n_stacks < FINDING_STACKS) {
        memmove(&f->stack[1], &f->stack[0], f->n_stacks * sizeof(f->stack[0]));
        f->stack[0] = first;
        f->n_stacks++;
    }
    struct finding_goroutine *g = finding_goroutine(f, t->gid, "running");
    g->stack = pcs;
    g->n_stack = n;
    if (t->gid != 1) {
        g->created_by = t->parent_gid;
        g->created_at = finding_depot(t->creation_stack, &g->n_created_at);
    }
    for (size_t i = 0; i < n; i++)
        gc_symbolize(pcs[i], true, put_gochan_frame, &b);
    if (extra->len)
        sb_printf(&b, "\n%s", extra->buf);
    char at[256], key[512], full[1024];
    finding_where(pcs, n, false, at, sizeof(at), key, sizeof(key));
    snprintf(f->message, sizeof(f->message), "panic: %s at %s", msg, at);
    snprintf(full, sizeof(full), "%s|%s", msg, key);
    finding_key(f, full);
    report_json_write(f, b.buf, b.len);
    crace_free(b.buf);
}

/* libgochan printed "panic: ..." and the goroutine's stack, and exits 2
 * when this returns: what the shim knows of obj, in the same dump layout,
 * to the same stream (stderr), then the summary of the findings so far. */
static void h_panic(enum gochan_panic_kind kind, const void *obj, const char *msg)
{
    crace_thread *t = enter();
    uintptr_t pcs[STACK_MAX_FRAMES];
    size_t n = gc_unwind(pcs, STACK_MAX_FRAMES, 0);
    size_t skip = skip_runtime(pcs, n);
    /* Under the stack libgochan printed, as Go ends a goroutine's. */
    crace_print_creation(t);
    enum { CAP = 16 * 1024 };
    struct sbuf b = {crace_alloc(CAP), CAP, 0};
    struct crace_finding *f = crace_alloc(sizeof(*f));
    finding_init(f, REPORT_PANIC, NULL);
    if (obj) {
        switch (kind) {
        case GOCHAN_PANIC_CLOSE_CLOSED:
        case GOCHAN_PANIC_SEND_CLOSED:
        case GOCHAN_PANIC_FREE_BLOCKED:
            put_chan_history(&b, obj, f);
            break;
        case GOCHAN_PANIC_WG_NEGATIVE:
        case GOCHAN_PANIC_WG_REUSED:
            put_wg_history(&b, obj, f);
            break;
        case GOCHAN_PANIC_CLOSE_NIL:
        case GOCHAN_PANIC_USE_FREED: /* what the shim knew of it went with the free */
        case GOCHAN_PANIC_USER:
        case GOCHAN_PANIC_COUNT:
            break;
        }
    }
    if (b.len) {
        output_write_std(2, "\n", 1);
        output_write_std(2, b.buf, b.len);
    }
    panic_record(t, msg ? msg : "", pcs + skip, n - skip, &b, f);
    crace_free(f);
    crace_free(b.buf);
    report_print_summary();
    leave(t);
}

/* ---------------------------------------------------------------- busy select loops */

/* A goroutine whose non-blocking selects (and try operations) keep
 * finding nothing ready burns a CPU: Go's classic `for { select { ...
 * default: } }`. Each empty poll costs an increment; every POLL_CHECK
 * polls the clock is read, and more than busy_select_threshold polls
 * within a window of one second is reported, once per goroutine and code
 * location (busy_lock protects that list; a leaf). */
enum { POLL_CHECK = 4096 };
#define NS_PER_S 1000000000ll

struct busy_seen {
    struct busy_seen *next;
    uint64_t gid;
    uintptr_t pc;
};
static gc_lock_t busy_lock = GC_LOCK_INIT;
static struct busy_seen *busy_seen;

void chan_fork(enum crace_fork_phase phase)
{
    crace_fork_lock(&busy_lock, phase);
}

static bool busy_first_time(uint64_t gid, uintptr_t pc)
{
    crace_lock(&busy_lock);
    for (struct busy_seen *b = busy_seen; b; b = b->next) {
        if (b->gid == gid && b->pc == pc) {
            crace_unlock(&busy_lock);
            return false;
        }
    }
    struct busy_seen *b = crace_alloc(sizeof(*b));
    *b = (struct busy_seen){busy_seen, gid, pc};
    busy_seen = b;
    crace_unlock(&busy_lock);
    return true;
}

static void report_busy(crace_thread *t, uint64_t polls, int64_t elapsed_ns)
{
    uintptr_t pc = program_pc();
    if (!busy_first_time(t->gid, pc))
        return;
    int saved_errno = errno; /* the program's, whatever libdw and the output do */
    stack_id stack = crace_current_stack(t, pc);
    unsigned long long per_s = (unsigned long long)polls * (unsigned long long)NS_PER_S /
                               (unsigned long long)(elapsed_ns > 0 ? elapsed_ns : 1);
    enum { CAP = 16 * 1024 };
    struct sbuf b = {crace_alloc(CAP), CAP, 0};
    struct crace_finding *f = crace_alloc(sizeof(*f));
    finding_init(f, REPORT_BUSY_SELECT, NULL);
    struct finding_goroutine *g = finding_goroutine(f, t->gid, "running");
    g->stack = finding_depot(stack, &g->n_stack);
    if (t->gid != 1) {
        g->created_by = t->parent_gid;
        g->created_at = finding_depot(t->creation_stack, &g->n_created_at);
    }
    char at[256], key[512];
    finding_where(g->stack, g->n_stack, false, at, sizeof(at), key, sizeof(key));
    finding_key(f, key);
    snprintf(f->message, sizeof(f->message),
             "Busy select loop: a select with a default case spins at %s", at);
    sb_printf(&b, "==================\nWARNING: BUSY SELECT LOOP\n");
    sb_printf(&b,
              "Goroutine %llu runs a select with a default case that found nothing ready %llu times in 1 s, "
              "burning a CPU:\n",
              (unsigned long long)t->gid, per_s);
    finding_stack_depot(f, &b, t->gid, stack);
    stackfmt_depot(&b, stack, STACK_STYLE_REPORT);
    if (t->creation_stack) {
        sb_printf(&b, "\nGoroutine %llu (running) created at:\n", (unsigned long long)t->gid);
        finding_stack_depot(f, &b, t->parent_gid, t->creation_stack);
        stackfmt_depot(&b, t->creation_stack, STACK_STYLE_REPORT);
    }
    sb_printf(&b, "==================\n");
    report_emit_finding(f, b.buf, b.len);
    crace_free(f);
    crace_free(b.buf);
    errno = saved_errno;
}

static CRACE_NOINLINE void busy_check(crace_thread *t)
{
    long threshold = crace_opts.busy_select_threshold;
    if (threshold <= 0 || t->internal)
        return;
    t->in_shim++;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t now = (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
    int64_t elapsed = now - t->poll_since_ns;
    uint64_t polls = t->polls - t->poll_mark;
    if (t->poll_since_ns == 0 || elapsed >= NS_PER_S || polls > (uint64_t)threshold) {
        /* A new window. */
        t->poll_since_ns = now;
        t->poll_mark = t->polls;
        if (elapsed < NS_PER_S && polls > (uint64_t)threshold)
            report_busy(t, polls, elapsed);
    }
    t->in_shim--;
}

static void h_poll_empty(void)
{
    crace_thread *t = crace_thr();
    if (CRACE_LIKELY(++t->polls % POLL_CHECK != 0))
        return;
    busy_check(t);
}

/* ---------------------------------------------------------------- threads */

static void h_internal_thread(void)
{
    crace_thr()->creating_internal = true;
}

static uint64_t h_goroutine_id(void)
{
    return crace_thr()->gid;
}

static const struct gochan_hooks hooks = {
    .version = GOCHAN_HOOKS_VERSION,
    .size = sizeof(struct gochan_hooks),
    .chan_make = h_chan_make,
    .chan_free = h_chan_free,
    .chan_slot = h_chan_slot,
    .chan_handoff = h_chan_handoff,
    .chan_close = h_chan_close,
    .chan_recv_closed = h_chan_recv_closed,
    .chan_send_begin = h_chan_send_begin,
    .chan_send_value = h_chan_send_value,
    .chan_recv_value = h_chan_recv_value,
    .block = h_block,
    .ready = h_ready,
    .resume = h_resume,
    .wg_add = h_wg_add,
    .wg_wait_begin = h_wg_wait_begin,
    .wg_wait_end = h_wg_wait_end,
    .poll_empty = h_poll_empty,
    .timers = h_timers,
    .internal_thread = h_internal_thread,
    .panic = h_panic,
    .goroutine_id = h_goroutine_id,
    .block_select = h_block_select,
};

CRACE_EXPORT const struct gochan_hooks *__gochan_hooks(unsigned version)
{
    /* A libgochan of another crace (an older install found first): its
     * channels' synchronisation would go unseen, every value passed
     * through them a race. Said, not silent. */
    crace_init();
    if (version != GOCHAN_HOOKS_VERSION) {
        crace_printf("crace: warning: the program's libgochan speaks detector interface version %u, this "
                     "crace %u: channel operations are not seen (a libgochan from another crace "
                     "install?); build and link against this crace's libgochan\n",
                     version, GOCHAN_HOOKS_VERSION);
        return NULL;
    }
    return &hooks;
}
