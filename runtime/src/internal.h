/*
 * internal.h: what every libgochan source file shares.
 *
 * Naming: public functions are those of gochan.h, exported with GC_API;
 * everything else is static or hidden (the library is built with
 * -fvisibility=hidden) and carries the gc_ prefix.
 */
#ifndef GOCHAN_INTERNAL_H
#define GOCHAN_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "gochan.h"
#include "gochan_hooks.h"

/*
 * Lock order (all gc_lock_t from lock.h; no pthread lock anywhere, so the
 * runtime is invisible to a detector except through its hooks):
 *
 *   context lock (a parent's before its children's)      context.c
 *     -> channel lock (several only in select: increasing address)
 *     -> timer lock                                       timer.c
 *
 * A context's lock is held while it closes its done channel and stops
 * its timer; channel and timer locks are never held together. WaitGroup
 * bucket locks, the symbolizer's lock and the panic lock are leaves.
 * A channel's waiters are woken (gc_ready) after its lock is released.
 * Hooks run under these locks: they must not call back into libgochan.
 */

/* Marks a definition of gochan.h's public API. */
#define GC_API __attribute__((visibility("default")))

#define GC_LIKELY(x) __builtin_expect(!!(x), 1)
#define GC_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Size of a cache line: data written by different threads at a high rate
 * is kept on separate lines. */
enum { GC_CACHE_LINE = 64 };

/* A panic raised by the runtime itself (Go's panic(plainError(...))):
 * prints the message of kind, the calling goroutine's stack, calls the
 * panic hook with obj, and exits with status 2. Must not be called with a
 * runtime lock held: the panic may run hooks and symbolization. */
void gc_panic(enum gochan_panic_kind kind, const void *obj) __attribute__((noreturn));

/* The same with a formatted message (kind GOCHAN_PANIC_USER for misuse
 * that Go would reject at compile time, such as a bad select direction). */
void gc_panicf(enum gochan_panic_kind kind, const void *obj, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

/* An internal impossibility: prints "libgochan internal error" with the
 * failed condition and aborts. Never a user's misuse. */
void gc_internal_error(const char *file, int line, const char *what) __attribute__((noreturn));

#define GC_CHECK(cond)                                              \
    do {                                                            \
        if (GC_UNLIKELY(!(cond)))                                   \
            gc_internal_error(__FILE__, __LINE__, #cond);           \
    } while (0)

/* Copying and zeroing values on the program's behalf. Not memcpy or
 * memset: a preloaded detector intercepts those and would count the
 * runtime's copy into a receiver's variable as the sender's write. Go's
 * runtime is likewise invisible to its race detector except through its
 * hooks. The compiler must not turn these loops back into library calls:
 * gcc's loop distribution and clang's loop idioms each need their own
 * switch, per function (the detector uses these too, built without
 * -fno-builtin-mem*). */
#if defined(__clang__)
#define GC_NO_LIBCALL __attribute__((no_builtin("memcpy", "memmove", "memset")))
#elif defined(__GNUC__)
#define GC_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define GC_NO_LIBCALL
#endif

GC_NO_LIBCALL static inline void gc_copy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (; n >= sizeof(uint64_t); n -= sizeof(uint64_t), d += sizeof(uint64_t), s += sizeof(uint64_t)) {
        uint64_t w;
        __builtin_memcpy(&w, s, sizeof(w));
        __builtin_memcpy(d, &w, sizeof(w));
    }
    for (; n > 0; n--)
        *d++ = *s++;
}

GC_NO_LIBCALL static inline void gc_zero(void *dst, size_t n)
{
    unsigned char *d = dst;
    for (; n >= sizeof(uint64_t); n -= sizeof(uint64_t), d += sizeof(uint64_t)) {
        uint64_t zero = 0;
        __builtin_memcpy(d, &zero, sizeof(zero));
    }
    for (; n > 0; n--)
        *d++ = 0;
}

/* Writes all of s to fd, as far as it goes: a short write goes on from
 * where it stopped, an interrupted one is retried, anything else gives
 * up (diagnostics have nowhere better to go). */
static inline void gc_write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* n words of a and b alike? For the detector's own tables (stack depot,
 * reported pairs): memcmp would go through its interceptor on every lock
 * operation. */
static inline bool gc_words_equal(const uintptr_t *a, const uintptr_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Saturating addition of a duration to a monotonic time: deadlines far in
 * the future become INT64_MAX ("never") instead of wrapping. */
static inline int64_t gc_time_add(int64_t t, int64_t d)
{
    if (d > 0 && t > INT64_MAX - d)
        return INT64_MAX;
    return t + d;
}

#endif /* GOCHAN_INTERNAL_H */
