/*
 * hooks.c: finds a detector's gochan_hooks.
 *
 * A detector that preloads itself defines __gochan_hooks(version). It is
 * looked up exactly once, in this library's constructor: the constructor
 * runs on the loading thread before the program's own constructors and
 * before any other thread can exist, so gc_hooks needs no synchronisation
 * and each call site costs one branch on a never-changing pointer.
 */
#include <dlfcn.h>
#include <stdio.h>

#include "hooks.h"

const struct gochan_hooks *gc_hooks;

typedef const struct gochan_hooks *(*gc_hooks_lookup_fn)(unsigned version);

__attribute__((constructor)) static void gc_hooks_init(void)
{
    gc_hooks_lookup_fn lookup = (gc_hooks_lookup_fn)dlsym(RTLD_DEFAULT, "__gochan_hooks");
    if (lookup == NULL)
        return;
    const struct gochan_hooks *h = lookup(GOCHAN_HOOKS_VERSION);
    if (h == NULL)
        return;
    /* A detector built against another layout would have its members
     * called with the wrong arguments: refuse it loudly rather than
     * detect wrongly. */
    if (h->version != GOCHAN_HOOKS_VERSION || h->size != sizeof(struct gochan_hooks)) {
        fprintf(stderr,
                "libgochan: ignoring detector hooks of version %u size %u "
                "(expected version %u size %zu)\n",
                h->version, h->size, GOCHAN_HOOKS_VERSION, sizeof(struct gochan_hooks));
        return;
    }
    gc_hooks = h;
}
