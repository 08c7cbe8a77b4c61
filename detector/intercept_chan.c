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
 */
#include <dlfcn.h>
#include <string.h>

#include "access.h"
#include "deadlock.h"
#include "gochan_hooks.h"
#include "intercept.h"
#include "symbolize.h"
#include "sync.h"

/* Per channel: created by chan_make, freed with the sync object. */
struct chan_info {
    size_t cap;
    vclock_t *slot; /* cap clocks, one per buffer slot */
    vclock_t close;
};

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

static void h_chan_close(const chan_t *c)
{
    crace_thread *t = enter();
    struct chan_info *ci = chan_info(c, 0);
    vc_join(&ci->close, &t->vc);
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

static void h_block(const void *waiter, enum gochan_wait_reason reason, const void *obj, bool timed)
{
    crace_thread *t = enter();
    crace_release_store(t, (uintptr_t)waiter);
    /* A timed wait (a chan_after or deadline case) ends by itself. */
    if (!timed && reason < GOCHAN_WAIT_COUNT)
        dl_block(t, wait_reasons[reason], wait_object_of(reason), (uintptr_t)obj, waiter,
                 crace_current_stack(t, program_pc()));
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
    if (delta > 0 && counter == delta && !t->ignore)
        crace_access(t, (uintptr_t)wg, 1, false, false, program_pc());
    if (delta < 0)
        crace_release(t, (uintptr_t)wg);
    leave(t);
}

static void h_wg_wait_begin(const waitgroup_t *wg)
{
    crace_thread *t = enter();
    if (!t->ignore)
        crace_access(t, (uintptr_t)wg, 1, true, false, program_pc());
    leave(t);
}

static void h_wg_wait_end(const waitgroup_t *wg)
{
    crace_thread *t = enter();
    crace_acquire(t, (uintptr_t)wg);
    leave(t);
}

static void h_internal_thread(void)
{
    crace_thread *t = crace_thr();
    t->internal = true;
    dl_thread_internal(t);
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
    .block = h_block,
    .ready = h_ready,
    .resume = h_resume,
    .wg_add = h_wg_add,
    .wg_wait_begin = h_wg_wait_begin,
    .wg_wait_end = h_wg_wait_end,
    .timers = h_timers,
    .internal_thread = h_internal_thread,
    .goroutine_id = h_goroutine_id,
};

CRACE_EXPORT const struct gochan_hooks *__gochan_hooks(unsigned version)
{
    if (version != GOCHAN_HOOKS_VERSION)
        return NULL;
    crace_init();
    return &hooks;
}
