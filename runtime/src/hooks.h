/*
 * hooks.h: calls into a detector's gochan_hooks (see gochan_hooks.h for
 * where each hook must be called; the call sites follow it exactly).
 */
#ifndef GOCHAN_HOOKS_INTERNAL_H
#define GOCHAN_HOOKS_INTERNAL_H

#include "internal.h"

/* The detector's hooks, or NULL when no detector is present. Set once by
 * the library constructor (hooks.c), before any thread of the program can
 * call libgochan, and never changed afterwards: read without
 * synchronisation. */
extern const struct gochan_hooks *gc_hooks;

/* Calls hook `name` with the remaining arguments when a detector provides
 * it. Without a detector this is one well-predicted branch. */
#define GC_HOOK(name, ...)                                      \
    do {                                                        \
        const struct gochan_hooks *gc_h_ = gc_hooks;            \
        if (GC_UNLIKELY(gc_h_ != NULL) && gc_h_->name != NULL)  \
            gc_h_->name(__VA_ARGS__);                           \
    } while (0)

/* The two hooks without arguments. */
static inline void gc_hook_poll_empty(void)
{
    const struct gochan_hooks *h = gc_hooks;
    if (GC_UNLIKELY(h != NULL) && h->poll_empty != NULL)
        h->poll_empty();
}

static inline void gc_hook_internal_thread(void)
{
    const struct gochan_hooks *h = gc_hooks;
    if (GC_UNLIKELY(h != NULL) && h->internal_thread != NULL)
        h->internal_thread();
}

#endif /* GOCHAN_HOOKS_INTERNAL_H */
