/*
 * panic.c: Go's panic, for libgochan's own panics and gochan_panic.
 *
 * Prints, to stderr with write(2),
 *     panic: MESSAGE
 *
 *     goroutine N [running]:
 *     <the stack, as Go prints it, without libgochan's own frames>
 * then calls the detector's panic hook and exits with status 2. Works on
 * any thread; concurrent panics print one at a time and the first one
 * ends the process.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hooks.h"
#include "internal.h"
#include "lock.h"
#include "symbolize.h"

enum { GC_PANIC_MAX_FRAMES = 100 }; /* Go's traceback limit */

static const char *const gc_panic_messages[GOCHAN_PANIC_COUNT] = {
#define GOCHAN_X(name, text) [GOCHAN_PANIC_##name] = text,
    GOCHAN_PANICS(GOCHAN_X)
#undef GOCHAN_X
};

/* Serialises panics: the first to take it exits with it held. */
static gc_lock_t gc_panic_lock = GC_LOCK_INIT;
/* A panic raised while printing a panic (by a hook, say) exits at once. */
static __thread bool gc_panicking;
/* Set by the first panic, before anything else: the process is going to
 * exit 2, and a main() returning meanwhile must not end it with 0 (Go
 * parks main while another goroutine panics). */
static _Atomic bool gc_panic_underway;

/* At exit (main returned, or exit() called) while another goroutine is
 * printing its panic: wait for it to end the process with status 2. */
static void gc_wait_for_panic(void)
{
    if (!atomic_load(&gc_panic_underway) || gc_panicking)
        return;
    for (;;)
        pause();
}

__attribute__((constructor)) static void gc_panic_init(void)
{
    atexit(gc_wait_for_panic);
}

static void gc_write_str(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Whether a function name belongs to the runtime: internal (gc_) or one
 * of gochan.h's entry points. */
static bool gc_is_runtime_name(const char *name)
{
    static const char *const prefixes[] = {"gc_", "chan_", "waitgroup_", "context_", "gochan_"};
    if (name == NULL)
        return false;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    }
    return strcmp(name, "go") == 0;
}

struct gc_frame_probe {
    const char *module;
    const char *function; /* of the real (outermost) function */
};

static int gc_probe_frame(const struct gc_frame *f, void *arg)
{
    struct gc_frame_probe *p = arg;
    p->module = f->module;
    p->function = f->function;
    return 0;
}

/* Number of innermost pcs that are libgochan's own frames: runtime names
 * in libgochan's module (so a static link into the program works too). */
static size_t gc_runtime_frames(const uintptr_t *pcs, size_t n)
{
    struct gc_frame_probe self = {0};
    gc_symbolize((uintptr_t)gc_runtime_frames, false, gc_probe_frame, &self);
    size_t i = 0;
    for (; i < n; i++) {
        struct gc_frame_probe p = {0};
        gc_symbolize(pcs[i], true, gc_probe_frame, &p);
        if (p.module != self.module || !gc_is_runtime_name(p.function))
            break;
    }
    return i;
}

__attribute__((noinline, noreturn)) static void gc_vpanic(enum gochan_panic_kind kind,
                                                          const void *obj, const char *fmt,
                                                          va_list ap)
{
    if (gc_panicking)
        _exit(2);
    gc_panicking = true;
    atomic_store(&gc_panic_underway, true);

    uintptr_t pcs[GC_PANIC_MAX_FRAMES + 1];
    size_t n = gc_unwind(pcs, GC_PANIC_MAX_FRAMES + 1, 0);

    char small[512];
    char *msg = small;
    va_list aq;
    va_copy(aq, ap);
    int len = vsnprintf(small, sizeof(small), fmt, ap);
    if (len >= (int)sizeof(small)) {
        msg = malloc((size_t)len + 1);
        if (msg != NULL)
            vsnprintf(msg, (size_t)len + 1, fmt, aq);
        else
            msg = small; /* truncated */
    }
    va_end(aq);

    fflush(NULL); /* what the program printed comes first */
    gc_lock(&gc_panic_lock);
    char head[64];
    snprintf(head, sizeof(head), "\n\ngoroutine %llu [running]:\n",
             (unsigned long long)gochan_goroutine_id());
    gc_write_str("panic: ");
    gc_write_str(msg);
    gc_write_str(head);
    bool elided = n > GC_PANIC_MAX_FRAMES;
    if (elided)
        n = GC_PANIC_MAX_FRAMES;
    size_t skip = gc_runtime_frames(pcs, n);
    gc_print_stack(STDERR_FILENO, pcs + skip, n - skip, NULL);
    if (elided)
        gc_write_str("...additional frames elided...\n");
    GC_HOOK(panic, kind, obj, msg);
    _exit(2);
}

void gc_panic(enum gochan_panic_kind kind, const void *obj)
{
    gc_panicf(kind, obj, "%s", gc_panic_messages[kind]);
}

void gc_panicf(enum gochan_panic_kind kind, const void *obj, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gc_vpanic(kind, obj, fmt, ap);
}

GC_API void gochan_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gc_vpanic(GOCHAN_PANIC_USER, NULL, fmt, ap);
}

void gc_internal_error(const char *file, int line, const char *what)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "libgochan internal error: %s:%d: CHECK failed: %s\n", file, line,
             what);
    gc_write_str(buf);
    abort();
}
