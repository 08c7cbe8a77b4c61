/*
 * go.c: goroutines (one detached thread each), their numbers, and the
 * per-thread wait record's storage (parking on it is park.c's).
 *
 * Numbering: the thread that loads libgochan (normally the main thread)
 * is goroutine 1. go() takes the next number before pthread_create, so
 * numbers follow creation order; threads not created by go() take one
 * lazily at their first use of libgochan.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "g.h"
#include "internal.h"

__thread struct gc_g gc_g_self __attribute__((tls_model("initial-exec")));

/* Next goroutine number to hand out. */
static _Atomic uint64_t gc_next_goid = 1;

/* Default stack of a goroutine: Go's goroutines grow theirs; ours must be
 * fixed, and 256 KiB keeps 10,000 of them within a few GiB of address
 * space while leaving room for ordinary C frames. */
enum { GC_DEFAULT_STACK = 256 * 1024 };

/* Stack size for go(); 0 until read from the environment. */
static _Atomic size_t gc_stack_size;

__attribute__((constructor)) static void gc_go_init(void)
{
    (void)gc_getg(); /* the loading thread is goroutine 1 */
}

/* splitmix64: turns a weak seed into a well-mixed one. */
static uint64_t gc_splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

void gc_g_init(struct gc_g *g, uint64_t goid)
{
    if (goid == 0)
        goid = atomic_fetch_add_explicit(&gc_next_goid, 1, memory_order_relaxed);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t seed = gc_splitmix64(goid ^ ((uint64_t)ts.tv_nsec << 20) ^ (uintptr_t)g);
    g->rng = seed != 0 ? seed : 1; /* xorshift must not start at 0 */
    g->goid = goid;
}

GC_API uint64_t gochan_goroutine_id(void)
{
    const struct gochan_hooks *h = gc_hooks;
    if (GC_UNLIKELY(h != NULL) && h->goroutine_id != NULL)
        return h->goroutine_id();
    return gc_getg()->goid;
}

/* ------------------------------------------------------------------ */
/* Stack size                                                           */
/* ------------------------------------------------------------------ */

/* GOCHAN_STACK_SIZE: bytes with an optional K or M suffix. Returns 0 when
 * unset or malformed (the default applies). */
static size_t gc_stack_size_from_env(void)
{
    const char *s = getenv("GOCHAN_STACK_SIZE");
    if (s == NULL || *s < '0' || *s > '9')
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0)
        return 0;
    unsigned long long mult = 1;
    if (*end == 'K' || *end == 'k')
        mult = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mult = 1024 * 1024, end++;
    if (*end != '\0' || v > SIZE_MAX / mult || v * mult < (size_t)PTHREAD_STACK_MIN)
        return 0;
    return (size_t)(v * mult);
}

GC_API size_t gochan_stack_size(void)
{
    size_t size = atomic_load_explicit(&gc_stack_size, memory_order_relaxed);
    if (size != 0)
        return size;
    size = gc_stack_size_from_env();
    if (size == 0)
        size = GC_DEFAULT_STACK;
    /* A concurrent gochan_set_stack_size wins over the environment. */
    size_t expected = 0;
    if (!atomic_compare_exchange_strong_explicit(&gc_stack_size, &expected, size,
                                                 memory_order_relaxed, memory_order_relaxed))
        size = expected;
    return size;
}

GC_API int gochan_set_stack_size(size_t bytes)
{
    if (bytes < (size_t)PTHREAD_STACK_MIN)
        return EINVAL;
    atomic_store_explicit(&gc_stack_size, bytes, memory_order_relaxed);
    return 0;
}

/* ------------------------------------------------------------------ */
/* go()                                                                 */
/* ------------------------------------------------------------------ */

struct gc_go_args {
    void (*fn)(void *);
    void *arg;
    uint64_t goid;
};

/* The goroutine's first frame. Named so that stack printers can leave it
 * out with the C library's start-up frames (symbolize.c). */
static void *gc_go_start(void *p)
{
    struct gc_go_args a = *(struct gc_go_args *)p;
    free(p);
    gc_g_init(&gc_g_self, a.goid);
    a.fn(a.arg);
    return NULL;
}

GC_API int go(void (*fn)(void *), void *arg)
{
    /* Here, in the caller, where the mistake is: the new goroutine would
     * only crash at address 0, its creator's stack lost. */
    if (fn == NULL)
        gc_panicf(GOCHAN_PANIC_USER, NULL, "go of nil func value");
    struct gc_go_args *a = malloc(sizeof(*a));
    if (a == NULL)
        return EAGAIN;
    a->fn = fn;
    a->arg = arg;
    a->goid = atomic_fetch_add_explicit(&gc_next_goid, 1, memory_order_relaxed);

    pthread_attr_t attr;
    int rc = pthread_attr_init(&attr);
    if (rc == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        rc = pthread_attr_setstacksize(&attr, gochan_stack_size());
        if (rc == 0) {
            pthread_t t;
            rc = pthread_create(&t, &attr, gc_go_start, a);
        }
        pthread_attr_destroy(&attr);
    }
    if (rc != 0) {
        free(a);
        return rc == EINVAL || rc == EPERM ? rc : EAGAIN;
    }
    return 0;
}
