/*
 * context.c: Go's context package (WithCancel, WithDeadline, WithTimeout,
 * WithValue, Background, TODO).
 *
 * Ownership: a context is reference counted. Its creator holds one
 * reference (dropped by context_release), each child holds one on its
 * parent, so an ancestor outlives its descendants, and context_retain
 * lends one to another goroutine (given back by context_drop). Background and TODO
 * are static and never counted.
 *
 * Cancellation: each cancellable context (cancel and deadline kinds)
 * owns a done channel, closed through chan_close (so the hooks see it),
 * and a list of its cancellable descendants whose nearest cancellable
 * ancestor it is (value contexts in between are transparent, as in Go).
 * Cancelling publishes err, closes the done channel, then cancels the
 * children, all under the context's lock.
 *
 * Lock order: a parent's lock before its children's (cancellation walks
 * down holding each level); a context's lock before its done channel's
 * lock and before the timer lock. A context never takes its parent's
 * lock while holding its own, and no reference is dropped with a lock
 * held (freeing waits for a running deadline callback).
 */
#include <errno.h>
#include <stdlib.h>

#include "chan.h"
#include "hooks.h"
#include "internal.h"
#include "lock.h"
#include "timer.h"

enum gc_ctx_kind {
    GC_CTX_ROOT,     /* background, TODO */
    GC_CTX_CANCEL,   /* context_with_cancel, or a deadline not before the parent's */
    GC_CTX_DEADLINE, /* context_with_deadline/_timeout with its own timer */
    GC_CTX_VALUE     /* context_with_value */
};

struct context {
    _Atomic uint32_t refs;          /* see the top of the file; unused for roots */
    enum gc_ctx_kind kind;          /* immutable, like every field up to lock */
    struct context *parent;         /* holds a reference; NULL for roots */
    /* Nearest cancellable proper ancestor, or NULL: where this context
     * is registered (if cancellable) and whose done/err a value context
     * reports. Kept alive through parent. */
    struct context *cancel_parent;
    int64_t deadline;               /* effective: min of own and ancestors', INT64_MAX if none */
    const void *key;                /* value contexts */
    void *value;
    struct chan *done;              /* cancellable contexts; closed once, on cancel */

    /* Protects children and the transition of err; held from setting
     * err until done is closed and the children are cancelled. */
    gc_lock_t lock;
    /* 0, then CONTEXT_CANCELED or CONTEXT_DEADLINE_EXCEEDED, set before
     * done is closed (so whoever sees done closed sees err) and read
     * without the lock. */
    _Atomic int err;
    struct context *children;       /* registered cancellable descendants */
    /* Links in cancel_parent->children, protected by cancel_parent->lock. */
    struct context *sib_next, *sib_prev;
    bool linked;
    struct gc_timer timer;          /* deadline contexts */
};

static struct context gc_ctx_background = {.kind = GC_CTX_ROOT, .deadline = INT64_MAX};
static struct context gc_ctx_todo = {.kind = GC_CTX_ROOT, .deadline = INT64_MAX};

static bool gc_ctx_cancellable(const struct context *ctx)
{
    return ctx->kind == GC_CTX_CANCEL || ctx->kind == GC_CTX_DEADLINE;
}

/* The context whose done channel and err ctx reports, or NULL if ctx can
 * never be done. */
static struct context *gc_ctx_owner(struct context *ctx)
{
    return gc_ctx_cancellable(ctx) ? ctx : ctx->cancel_parent;
}

static void gc_ctx_ref(struct context *ctx)
{
    if (ctx->kind != GC_CTX_ROOT)
        atomic_fetch_add_explicit(&ctx->refs, 1, memory_order_relaxed);
}

/* Removes ctx from its cancel parent's children, if still there. */
static void gc_ctx_detach(struct context *ctx)
{
    struct context *cp = ctx->cancel_parent;
    if (cp == NULL)
        return;
    gc_lock(&cp->lock);
    if (ctx->linked) {
        if (ctx->sib_prev != NULL)
            ctx->sib_prev->sib_next = ctx->sib_next;
        else
            cp->children = ctx->sib_next;
        if (ctx->sib_next != NULL)
            ctx->sib_next->sib_prev = ctx->sib_prev;
        ctx->sib_next = ctx->sib_prev = NULL;
        ctx->linked = false;
    }
    gc_unlock(&cp->lock);
}

/* Go's cancelCtx.cancel. remove: also leave the cancel parent's list
 * (false when the parent is cancelling us and already dropped the list).
 * Callers may hold the locks of x's ancestors, never x's own. */
static void gc_ctx_cancel(struct context *x, int err, bool remove)
{
    gc_lock(&x->lock);
    if (atomic_load_explicit(&x->err, memory_order_relaxed) != 0) {
        /* Cancelled already (by another goroutine, a deadline, a
         * parent): as in Go, where cancel takes the context's mutex, the
         * first cancellation happens before this one. Without it the
         * common `cancel after the deadline passed` then frees the done
         * channel unordered with the timer thread's close of it. */
        GC_HOOK(chan_recv_closed, x->done);
        gc_unlock(&x->lock);
        return;
    }
    /* err first: a goroutine woken by the close must see it. */
    atomic_store_explicit(&x->err, err, memory_order_release);
    chan_close(x->done);

    struct context *kid = x->children;
    x->children = NULL;
    while (kid != NULL) {
        /* Read before cancelling it: once unlocked, a cancelled child may
         * be released and freed by its owner. */
        struct context *next = kid->sib_next;
        kid->linked = false;
        kid->sib_next = kid->sib_prev = NULL;
        gc_ctx_cancel(kid, err, false);
        kid = next;
    }
    if (x->kind == GC_CTX_DEADLINE)
        gc_timer_stop(&x->timer);
    gc_unlock(&x->lock);
    if (remove)
        gc_ctx_detach(x);
}

static void gc_ctx_unref(struct context *ctx)
{
    while (ctx != NULL && ctx->kind != GC_CTX_ROOT) {
        if (atomic_fetch_sub_explicit(&ctx->refs, 1, memory_order_acq_rel) != 1)
            return;
        struct context *parent = ctx->parent;
        if (ctx->kind == GC_CTX_DEADLINE) {
            /* Its callback uses ctx: make sure it is not running. */
            gc_timer_stop(&ctx->timer);
            gc_timer_sync(&ctx->timer);
        }
        gc_ctx_detach(ctx);
        /* Nothing can cancel it now. The last reference may be dropped
         * (context_drop) by a goroutine that never looked at the
         * cancellation: the free of the done channel comes after its close
         * all the same (the reference count orders them, out of the
         * detector's sight). */
        if (atomic_load_explicit(&ctx->err, memory_order_acquire) != 0)
            GC_HOOK(chan_recv_closed, ctx->done);
        chan_free(ctx->done); /* closed by the cancel that preceded the last release */
        free(ctx);
        ctx = parent;
    }
}

/* A context of kind under parent, not yet registered with its cancel
 * parent. NULL with errno ENOMEM. */
static struct context *gc_ctx_new(struct context *parent, enum gc_ctx_kind kind)
{
    if (parent == NULL)
        gc_panicf(GOCHAN_PANIC_USER, NULL, "cannot create context from nil parent");
    struct context *ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    atomic_init(&ctx->refs, 1);
    ctx->kind = kind;
    ctx->parent = parent;
    ctx->cancel_parent = gc_ctx_cancellable(parent) ? parent : parent->cancel_parent;
    ctx->deadline = parent->deadline;
    if (gc_ctx_cancellable(ctx)) {
        ctx->done = chan_make(0, 0);
        if (ctx->done == NULL) {
            free(ctx);
            errno = ENOMEM;
            return NULL;
        }
    }
    gc_ctx_ref(parent);
    return ctx;
}

/* Go's propagateCancel: registers a new cancellable ctx with its cancel
 * parent, or cancels it at once when that parent is already done. */
static void gc_ctx_attach(struct context *ctx)
{
    struct context *cp = ctx->cancel_parent;
    if (cp == NULL)
        return;
    gc_lock(&cp->lock);
    int err = atomic_load_explicit(&cp->err, memory_order_relaxed);
    if (err == 0) {
        ctx->sib_prev = NULL;
        ctx->sib_next = cp->children;
        if (cp->children != NULL)
            cp->children->sib_prev = ctx;
        cp->children = ctx;
        ctx->linked = true;
    }
    gc_unlock(&cp->lock);
    if (err != 0)
        gc_ctx_cancel(ctx, err, false);
}

GC_API context_t *context_background(void)
{
    return &gc_ctx_background;
}

GC_API context_t *context_todo(void)
{
    return &gc_ctx_todo;
}

GC_API context_t *context_with_cancel(context_t *parent)
{
    struct context *ctx = gc_ctx_new(parent, GC_CTX_CANCEL);
    if (ctx == NULL)
        return NULL;
    if (ctx->deadline != INT64_MAX)
        gc_chan_set_timer_close(ctx->done); /* an ancestor's timer will close it */
    gc_ctx_attach(ctx);
    return ctx;
}

/* Timer callback, on the timer thread. ctx is alive: freeing it waits
 * for this callback (gc_timer_sync in gc_ctx_unref). */
static void gc_ctx_deadline_fire(struct gc_timer *t)
{
    gc_ctx_cancel(t->arg, CONTEXT_DEADLINE_EXCEEDED, true);
}

GC_API context_t *context_with_deadline(context_t *parent, int64_t deadline_ns)
{
    if (parent != NULL && parent->deadline <= deadline_ns)
        return context_with_cancel(parent); /* the parent's deadline comes first */
    struct context *ctx = gc_ctx_new(parent, GC_CTX_DEADLINE);
    if (ctx == NULL)
        return NULL;
    ctx->deadline = deadline_ns;
    ctx->timer.fn = gc_ctx_deadline_fire;
    ctx->timer.arg = ctx;
    gc_chan_set_timer_close(ctx->done);
    gc_ctx_attach(ctx);
    if (deadline_ns <= gochan_now()) {
        gc_ctx_cancel(ctx, CONTEXT_DEADLINE_EXCEEDED, true);
        return ctx;
    }
    int err = 0;
    gc_lock(&ctx->lock);
    if (atomic_load_explicit(&ctx->err, memory_order_relaxed) == 0)
        err = gc_timer_start(&ctx->timer, deadline_ns);
    gc_unlock(&ctx->lock);
    if (err != 0) {
        context_release(ctx);
        errno = err;
        return NULL;
    }
    return ctx;
}

GC_API context_t *context_with_timeout(context_t *parent, int64_t ns)
{
    return context_with_deadline(parent, gc_time_add(gochan_now(), ns));
}

GC_API context_t *context_with_value(context_t *parent, const void *key, void *value)
{
    if (key == NULL)
        gc_panicf(GOCHAN_PANIC_USER, NULL, "nil key");
    struct context *ctx = gc_ctx_new(parent, GC_CTX_VALUE);
    if (ctx == NULL)
        return NULL;
    ctx->key = key;
    ctx->value = value;
    return ctx;
}

GC_API void context_cancel(context_t *ctx)
{
    if (gc_ctx_cancellable(ctx))
        gc_ctx_cancel(ctx, CONTEXT_CANCELED, true);
}

GC_API chan_t *context_done(context_t *ctx)
{
    struct context *o = gc_ctx_owner(ctx);
    return o != NULL ? o->done : NULL;
}

GC_API int context_err(context_t *ctx)
{
    struct context *o = gc_ctx_owner(ctx);
    if (o == NULL)
        return 0;
    int err = atomic_load_explicit(&o->err, memory_order_acquire);
    if (err != 0 && gc_hooks != NULL) {
        /* The cancellation happens before this observation. err is set
         * before done is closed, under o's lock: once we hold it, the
         * close (and its chan_close hook) has happened. */
        gc_lock(&o->lock);
        gc_unlock(&o->lock);
        GC_HOOK(chan_recv_closed, o->done);
    }
    return err;
}

GC_API void *context_value(context_t *ctx, const void *key)
{
    for (; ctx != NULL; ctx = ctx->parent) {
        if (ctx->kind == GC_CTX_VALUE && ctx->key == key)
            return ctx->value;
    }
    return NULL;
}

GC_API int64_t context_deadline(context_t *ctx)
{
    return ctx->deadline;
}

GC_API context_t *context_retain(context_t *ctx)
{
    if (ctx != NULL)
        gc_ctx_ref(ctx);
    return ctx;
}

GC_API void context_drop(context_t *ctx)
{
    if (ctx != NULL)
        gc_ctx_unref(ctx);
}

GC_API void context_release(context_t *ctx)
{
    if (ctx == NULL || ctx->kind == GC_CTX_ROOT)
        return;
    context_cancel(ctx);
    gc_ctx_unref(ctx);
}
