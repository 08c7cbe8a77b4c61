/*
 * rt.h: what every part of the shim needs: internal allocation, the CHECK
 * for internal impossibilities, raw output, and the per-thread reentrancy
 * guard.
 *
 * The shim never calls the program's malloc or any intercepted function on
 * its own behalf: it allocates with glibc's __libc_* entry points (which
 * no interceptor wraps), writes with write(2), and locks with gc_lock
 * (runtime/src/lock.h), so it cannot recurse into itself.
 */
#ifndef CRACE_RT_H
#define CRACE_RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* gc_copy and gc_zero, for the shim's own copies and clears on its hot
 * paths (clocks, histories, shadow blocks): a memcpy or memset call from
 * inside libcrace.so binds to the interceptors it exports, which cost a
 * check per call and, until the program's first own call resolves libc's,
 * a byte loop. libgochan's loops never call out. */
#include "internal.h"

#define CRACE_EXPORT __attribute__((visibility("default")))
#define CRACE_NOINLINE __attribute__((noinline))
#define CRACE_LIKELY(x) __builtin_expect(!!(x), 1)
#define CRACE_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define CRACE_TLS __thread __attribute__((tls_model("initial-exec")))

/* glibc's allocator, behind every interceptor. */
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);
void __libc_free(void *p);

void *crace_alloc(size_t size);               /* zeroed; aborts when out of memory */
void *crace_realloc(void *p, size_t size);    /* aborts when out of memory */
void crace_free(void *p);
/* On cache lines of its own (aligned, the size rounded up to whole
 * lines), zeroed if asked: for the shim's records that its threads write
 * all the time (a thread's record and shadow stack, a slot's history
 * header), which the program's own blocks, from the same allocator, must
 * not share a line with. Freed with crace_free. */
#define CRACE_LINE 64
void *crace_alloc_lines(size_t size, bool zeroed);
char *crace_strdup(const char *s);
/* Memory for the shim's big tables: mmap'd, zero, reserved lazily by the
 * kernel (MAP_NORESERVE). Aborts when the mapping fails. */
void *crace_mmap(size_t size);
/* Memory handed out in order from crace_mmap'd chunks, never given back
 * to the kernel: the shim's records that must stay out of the program's
 * heap. What is left of a chunk too small for a request is skipped (never
 * touched, so never resident). The caller serialises; zero-initialised,
 * a crace_bump starts with no chunk. */
struct crace_bump {
    char *next, *end;
};
static inline void *crace_bump_take(struct crace_bump *b, size_t bytes, size_t chunk)
{
    if ((size_t)(b->end - b->next) < bytes) {
        b->next = crace_mmap(chunk);
        b->end = b->next + chunk;
    }
    void *p = b->next;
    b->next += bytes;
    return p;
}
void crace_munmap(void *p, size_t size);
/* The calling thread's /proc directory: /proc/self is the main thread's,
 * which has no executable, command line or descriptors once main has
 * ended with pthread_exit while other threads run. /proc/thread-self
 * (Linux 3.17), or /proc/self where there is none. Async-signal-safe. */
const char *crace_proc_dir(void);

/* Raw output to the report stream (stderr or log_path), never buffered in
 * stdio, so a crash loses nothing written. */
void crace_write(const char *s, size_t n);
void crace_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An internal impossibility: prints "crace internal error" with the place,
 * and stops the program (exit 3) rather than print a wrong report. */
#define CHECK(cond)                                                    \
    do {                                                               \
        if (CRACE_UNLIKELY(!(cond)))                                   \
            crace_check_failed(__FILE__, __LINE__, #cond);             \
    } while (0)
void crace_check_failed(const char *file, int line, const char *cond) __attribute__((noreturn));

/* A user-facing fatal error before or outside a report (bad option,
 * unwritable log): "crace: MESSAGE" and exit 1. */
void crace_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* True once the shim's constructor has run; interceptors called before
 * that (by the dynamic loader, libc's own init) pass straight through. */
extern bool crace_inited;
void crace_init(void);

#endif /* CRACE_RT_H */
