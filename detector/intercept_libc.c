/*
 * intercept_libc.c: libc's mem* and str* functions as range accesses.
 *
 * clang 14 and gcc 12 leave these as plain libc calls in instrumented code
 * (newer compilers call __tsan_memcpy & co., defined here too), and libc
 * itself is not instrumented: each interceptor does the real operation,
 * then checks the bytes it actually read (strlen(s) reads strlen(s) + 1
 * bytes, memchr stops at the match) as range reads and the bytes it wrote
 * as range writes, at the caller's pc. The _FORTIFY_SOURCE variants
 * (__memcpy_chk...) do their bounds check, then the same.
 *
 * Every call takes one of three ways:
 *
 *  1. Checked: a call from the program once the shim is initialised.
 *  2. Passed through: before initialisation, while the thread is inside
 *     the shim or in ignored code, and for calls made by the shim's own
 *     code. The last are recognised by the caller's pc lying in the
 *     shim's text: with -fvisibility=hidden the shim's calls to memcpy
 *     and memset (written ones, and the compiler's, for struct copies and
 *     loops) still bind to these exported definitions, and some come from
 *     the hot path, where in_shim is not raised (shadow_ovf_alloc's
 *     memset). A check there would recurse into the engine.
 *  3. Early: a pass-through before the real functions are known. They are
 *     looked up with dlsym on the first checked call only: never before
 *     initialisation (the dynamic loader and libc's start-up call memcpy),
 *     never from inside the shim (dlsym may call memcpy itself, and a
 *     thread holding an engine lock must not then wait for the loader's
 *     lock). Until then the early_* functions below do the work: byte
 *     loops through volatile pointers, which the compiler cannot turn back
 *     into a call to memcpy, i.e. into ourselves. They serve only the few
 *     calls made by other libraries' constructors and by the shim's own
 *     start-up, so their speed does not matter.
 *
 * This file must not call any of the functions it defines by name.
 */
#undef _FORTIFY_SOURCE /* the fortified inline wrappers would clash with these definitions */

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "intercept.h"

/* glibc's report of a failed _FORTIFY_SOURCE check; does not return. */
void __chk_fail(void) __attribute__((noreturn));

/* ---------------------------------------------------------------- early versions */

typedef volatile unsigned char vbyte;

static void *early_memmove(void *dst, const void *src, size_t n)
{
    vbyte *d = dst;
    const vbyte *s = src;
    if (d < s) {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    } else {
        for (size_t i = n; i > 0; i--)
            d[i - 1] = s[i - 1];
    }
    return dst;
}

static void *early_memcpy(void *dst, const void *src, size_t n)
{
    return early_memmove(dst, src, n);
}

static void *early_mempcpy(void *dst, const void *src, size_t n)
{
    return (char *)early_memmove(dst, src, n) + n;
}

static void *early_memset(void *dst, int c, size_t n)
{
    vbyte *d = dst;
    for (size_t i = 0; i < n; i++)
        d[i] = (unsigned char)c;
    return dst;
}

static void early_bzero(void *dst, size_t n)
{
    early_memset(dst, 0, n);
}

static void early_explicit_bzero(void *dst, size_t n)
{
    early_memset(dst, 0, n);
}

static int early_memcmp(const void *a, const void *b, size_t n)
{
    const vbyte *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

static int early_bcmp(const void *a, const void *b, size_t n)
{
    return early_memcmp(a, b, n);
}

static size_t early_strnlen(const char *s, size_t n)
{
    const vbyte *p = (const vbyte *)s;
    size_t i = 0;
    while (i < n && p[i])
        i++;
    return i;
}

static size_t early_strlen(const char *s)
{
    return early_strnlen(s, SIZE_MAX);
}

static char *early_stpcpy(char *dst, const char *src)
{
    size_t n = early_strlen(src);
    early_memmove(dst, src, n + 1);
    return dst + n;
}

static char *early_strcpy(char *dst, const char *src)
{
    early_stpcpy(dst, src);
    return dst;
}

static char *early_strncpy(char *dst, const char *src, size_t n)
{
    size_t k = early_strnlen(src, n);
    early_memmove(dst, src, k);
    early_memset(dst + k, 0, n - k);
    return dst;
}

static char *early_strcat(char *dst, const char *src)
{
    early_stpcpy(dst + early_strlen(dst), src);
    return dst;
}

static char *early_strncat(char *dst, const char *src, size_t n)
{
    size_t d = early_strlen(dst), k = early_strnlen(src, n);
    early_memmove(dst + d, src, k);
    ((vbyte *)dst)[d + k] = 0;
    return dst;
}

static int early_strncmp(const char *a, const char *b, size_t n)
{
    const vbyte *x = (const vbyte *)a, *y = (const vbyte *)b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
        if (!x[i])
            break;
    }
    return 0;
}

static int early_strcmp(const char *a, const char *b)
{
    return early_strncmp(a, b, SIZE_MAX);
}

static char *early_strchr(const char *s, int c)
{
    const vbyte *p = (const vbyte *)s;
    for (size_t i = 0;; i++) {
        if (p[i] == (unsigned char)c)
            return (char *)s + i;
        if (!p[i])
            return NULL;
    }
}

static char *early_strrchr(const char *s, int c)
{
    const vbyte *p = (const vbyte *)s;
    char *last = NULL;
    for (size_t i = 0;; i++) {
        if (p[i] == (unsigned char)c)
            last = (char *)s + i;
        if (!p[i])
            return last;
    }
}

static char *early_strstr(const char *h, const char *needle)
{
    size_t n = early_strlen(needle);
    for (const char *p = h;; p++) {
        if (early_strncmp(p, needle, n) == 0)
            return (char *)p;
        if (!*(const vbyte *)p)
            return NULL;
    }
}

static void *early_memchr(const void *s, int c, size_t n)
{
    const vbyte *p = s;
    for (size_t i = 0; i < n; i++)
        if (p[i] == (unsigned char)c)
            return (char *)s + i;
    return NULL;
}

static void *early_memrchr(const void *s, int c, size_t n)
{
    const vbyte *p = s;
    for (size_t i = n; i > 0; i--)
        if (p[i - 1] == (unsigned char)c)
            return (char *)s + i - 1;
    return NULL;
}

static void *early_memccpy(void *dst, const void *src, int c, size_t n)
{
    vbyte *d = dst;
    const vbyte *s = src;
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
        if (s[i] == (unsigned char)c)
            return (char *)dst + i + 1;
    }
    return NULL;
}

/* Unrecorded blocks (see intercept_malloc.c): the shim is not ready. */
static char *early_strndup(const char *s, size_t n)
{
    size_t k = early_strnlen(s, n);
    char *d = __libc_malloc(k + 1);
    if (d) {
        early_memmove(d, s, k);
        ((vbyte *)d)[k] = 0;
    }
    return d;
}

static char *early_strdup(const char *s)
{
    return early_strndup(s, SIZE_MAX);
}

/* ---------------------------------------------------------------- the gate */

/* The real function when known, else the early one. */
#define LIBC_CALL(name, ...) (real_##name ? real_##name(__VA_ARGS__) : early_##name(__VA_ARGS__))

enum { LIBC_UNRESOLVED, LIBC_RESOLVING, LIBC_RESOLVED };
static _Atomic int libc_state;
static void libc_resolve(crace_thread *t);

/* The thread to check a call from pc for, or NULL to pass it through. */
static crace_thread *libc_enter(uintptr_t pc)
{
    crace_thread *t = crace_libc_caller(pc);
    if (!t)
        return NULL;
    if (CRACE_UNLIKELY(atomic_load_explicit(&libc_state, memory_order_acquire) != LIBC_RESOLVED))
        libc_resolve(t);
    return t;
}

/* A check must not change errno (a program may read it after a call that
 * succeeded, and a report or a lock's futex wait may set it). */
/* src's n bytes read, then dst's n bytes written. */
static void check_copy(crace_thread *t, void *dst, const void *src, size_t n, uintptr_t pc)
{
    crace_check_range(t, src, n, false, pc);
    crace_check_range(t, dst, n, true, pc);
}

/* dst's n bytes, written by a copy or a fill the OpenMP runtime makes:
 * memory it hands the program fresh (a task's arguments copied into a
 * descriptor it recycles once another thread ran the last task there,
 * with synchronisation the detector does not see: gcc's GOMP_task; a
 * thread's copy of a threadprivate variable). It counts as new, as a
 * malloc'd block does (intercept_openmp.c does the same for the
 * descriptors clang's code asks for). True when so; other copies are
 * checked. */
static bool openmp_runtime_fill(crace_thread *t, void *dst, size_t n, uintptr_t pc)
{
    if (CRACE_LIKELY(!crace_pc_in_openmp_runtime(pc)))
        return false;
    crace_memory_fresh(t, (uintptr_t)dst, n);
    return true;
}

/* ---------------------------------------------------------------- memory */

/* The workers behind each function and its _chk and __tsan_ variants;
 * pc is the program's call site. */
static void *do_memcpy(void *dst, const void *src, size_t n, uintptr_t pc);
static void *do_memmove(void *dst, const void *src, size_t n, uintptr_t pc);
static void *do_memset(void *dst, int c, size_t n, uintptr_t pc);
static void *do_mempcpy(void *dst, const void *src, size_t n, uintptr_t pc);

INTERCEPTOR(void *, memcpy, void *dst, const void *src, size_t n)
{
    return do_memcpy(dst, src, n, CALLER_PC());
}

INTERCEPTOR(void *, memmove, void *dst, const void *src, size_t n)
{
    return do_memmove(dst, src, n, CALLER_PC());
}

INTERCEPTOR(void *, memset, void *dst, int c, size_t n)
{
    return do_memset(dst, c, n, CALLER_PC());
}

INTERCEPTOR(void *, mempcpy, void *dst, const void *src, size_t n)
{
    return do_mempcpy(dst, src, n, CALLER_PC());
}

static void *do_memcpy(void *dst, const void *src, size_t n, uintptr_t pc)
{
    crace_thread *t = libc_enter(pc);
    void *r = LIBC_CALL(memcpy, dst, src, n);
    if (t && !openmp_runtime_fill(t, dst, n, pc))
        check_copy(t, dst, src, n, pc);
    return r;
}

static void *do_memmove(void *dst, const void *src, size_t n, uintptr_t pc)
{
    crace_thread *t = libc_enter(pc);
    void *r = LIBC_CALL(memmove, dst, src, n);
    if (t && !openmp_runtime_fill(t, dst, n, pc))
        check_copy(t, dst, src, n, pc);
    return r;
}

static void *do_memset(void *dst, int c, size_t n, uintptr_t pc)
{
    crace_thread *t = libc_enter(pc);
    void *r = LIBC_CALL(memset, dst, c, n);
    if (t && !openmp_runtime_fill(t, dst, n, pc))
        crace_check_range(t, dst, n, true, pc);
    return r;
}

static void *do_mempcpy(void *dst, const void *src, size_t n, uintptr_t pc)
{
    crace_thread *t = libc_enter(pc);
    void *r = LIBC_CALL(mempcpy, dst, src, n);
    if (t)
        check_copy(t, dst, src, n, pc);
    return r;
}

INTERCEPTOR(void, bzero, void *dst, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    LIBC_CALL(bzero, dst, n);
    if (t)
        crace_check_range(t, dst, n, true, pc);
}

INTERCEPTOR(void, explicit_bzero, void *dst, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    LIBC_CALL(explicit_bzero, dst, n);
    if (t)
        crace_check_range(t, dst, n, true, pc);
}

INTERCEPTOR(void *, memccpy, void *dst, const void *src, int c, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    void *r = LIBC_CALL(memccpy, dst, src, c, n);
    if (t)
        check_copy(t, dst, src, r ? (size_t)((char *)r - (char *)dst) : n, pc);
    return r;
}

INTERCEPTOR(int, memcmp, const void *a, const void *b, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    int r = LIBC_CALL(memcmp, a, b, n);
    if (t) {
        size_t k = r ? crace_compared_bytes(a, b, n, false, false) : n;
        crace_check_range(t, a, k, false, pc);
        crace_check_range(t, b, k, false, pc);
    }
    return r;
}

INTERCEPTOR(int, bcmp, const void *a, const void *b, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    int r = LIBC_CALL(bcmp, a, b, n);
    if (t) {
        size_t k = r ? crace_compared_bytes(a, b, n, false, false) : n;
        crace_check_range(t, a, k, false, pc);
        crace_check_range(t, b, k, false, pc);
    }
    return r;
}

INTERCEPTOR(void *, memchr, const void *s, int c, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    void *r = LIBC_CALL(memchr, s, c, n);
    if (t)
        crace_check_range(t, s, r ? (size_t)((const char *)r - (const char *)s) + 1 : n, false, pc);
    return r;
}

INTERCEPTOR(void *, memrchr, const void *s, int c, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    void *r = LIBC_CALL(memrchr, s, c, n);
    if (t) {
        /* Scanned from the end down to the match. */
        const char *from = r ? (const char *)r : (const char *)s;
        crace_check_range(t, from, (size_t)((const char *)s + n - from), false, pc);
    }
    return r;
}

/* ---------------------------------------------------------------- strings */

INTERCEPTOR(size_t, strlen, const char *s)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    size_t r = LIBC_CALL(strlen, s);
    if (t)
        crace_check_range(t, s, r + 1, false, pc);
    return r;
}

INTERCEPTOR(size_t, strnlen, const char *s, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    size_t r = LIBC_CALL(strnlen, s, n);
    if (t)
        crace_check_range(t, s, r < n ? r + 1 : n, false, pc);
    return r;
}

static char *do_stpcpy(char *dst, const char *src, uintptr_t pc);
static char *do_strcpy(char *dst, const char *src, uintptr_t pc);
static char *do_strncpy(char *dst, const char *src, size_t n, uintptr_t pc);
static char *do_strcat(char *dst, const char *src, uintptr_t pc);
static char *do_strncat(char *dst, const char *src, size_t n, uintptr_t pc);

INTERCEPTOR(char *, stpcpy, char *dst, const char *src)
{
    return do_stpcpy(dst, src, CALLER_PC());
}

INTERCEPTOR(char *, strcpy, char *dst, const char *src)
{
    return do_strcpy(dst, src, CALLER_PC());
}

INTERCEPTOR(char *, strncpy, char *dst, const char *src, size_t n)
{
    return do_strncpy(dst, src, n, CALLER_PC());
}

INTERCEPTOR(char *, strcat, char *dst, const char *src)
{
    return do_strcat(dst, src, CALLER_PC());
}

INTERCEPTOR(char *, strncat, char *dst, const char *src, size_t n)
{
    return do_strncat(dst, src, n, CALLER_PC());
}

static char *do_stpcpy(char *dst, const char *src, uintptr_t pc)
{
    crace_thread *t = libc_enter(pc);
    char *r = LIBC_CALL(stpcpy, dst, src);
    if (t)
        check_copy(t, dst, src, (size_t)(r - dst) + 1, pc);
    return r;
}

static char *do_strcpy(char *dst, const char *src, uintptr_t pc)
{
    crace_thread *t = libc_enter(pc);
    size_t n = t ? LIBC_CALL(strlen, src) + 1 : 0;
    char *r = LIBC_CALL(strcpy, dst, src);
    if (t)
        check_copy(t, dst, src, n, pc);
    return r;
}

/* Reads src up to its terminator or n bytes; writes all n bytes of dst
 * (the rest is padded with zeros). */
static char *do_strncpy(char *dst, const char *src, size_t n, uintptr_t pc)
{
    crace_thread *t = libc_enter(pc);
    size_t len = t ? LIBC_CALL(strnlen, src, n) : 0;
    char *r = LIBC_CALL(strncpy, dst, src, n);
    if (t) {
        crace_check_range(t, src, len < n ? len + 1 : n, false, pc);
        crace_check_range(t, dst, n, true, pc);
    }
    return r;
}

/* Reads dst to its end and src; writes src's bytes and a terminator
 * after dst's. */
static char *do_strcat(char *dst, const char *src, uintptr_t pc)
{
    crace_thread *t = libc_enter(pc);
    size_t dlen = 0, slen = 0;
    if (t) {
        dlen = LIBC_CALL(strlen, dst);
        slen = LIBC_CALL(strlen, src);
    }
    char *r = LIBC_CALL(strcat, dst, src);
    if (t) {
        crace_check_range(t, dst, dlen + 1, false, pc);
        check_copy(t, dst + dlen, src, slen + 1, pc);
    }
    return r;
}

static char *do_strncat(char *dst, const char *src, size_t n, uintptr_t pc)
{
    crace_thread *t = libc_enter(pc);
    size_t dlen = 0, slen = 0;
    if (t) {
        dlen = LIBC_CALL(strlen, dst);
        slen = LIBC_CALL(strnlen, src, n);
    }
    char *r = LIBC_CALL(strncat, dst, src, n);
    if (t) {
        crace_check_range(t, dst, dlen + 1, false, pc);
        crace_check_range(t, src, slen < n ? slen + 1 : n, false, pc);
        crace_check_range(t, dst + dlen, slen + 1, true, pc);
    }
    return r;
}

INTERCEPTOR(int, strcmp, const char *a, const char *b)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    int r = LIBC_CALL(strcmp, a, b);
    if (t) {
        size_t k = crace_compared_bytes(a, b, SIZE_MAX, true, false);
        crace_check_range(t, a, k, false, pc);
        crace_check_range(t, b, k, false, pc);
    }
    return r;
}

INTERCEPTOR(int, strncmp, const char *a, const char *b, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    int r = LIBC_CALL(strncmp, a, b, n);
    if (t) {
        size_t k = crace_compared_bytes(a, b, n, true, false);
        crace_check_range(t, a, k, false, pc);
        crace_check_range(t, b, k, false, pc);
    }
    return r;
}

INTERCEPTOR(char *, strchr, const char *s, int c)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    char *r = LIBC_CALL(strchr, s, c);
    if (t)
        crace_check_range(t, s, r ? (size_t)(r - s) + 1 : LIBC_CALL(strlen, s) + 1, false, pc);
    return r;
}

INTERCEPTOR(char *, strrchr, const char *s, int c)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    char *r = LIBC_CALL(strrchr, s, c);
    if (t)
        crace_check_range(t, s, LIBC_CALL(strlen, s) + 1, false, pc);
    return r;
}

/* The haystack up to the end of the match (or its terminator), the whole
 * needle. */
INTERCEPTOR(char *, strstr, const char *h, const char *needle)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    char *r = LIBC_CALL(strstr, h, needle);
    if (t) {
        size_t nlen = LIBC_CALL(strlen, needle);
        crace_check_range(t, h, r ? (size_t)(r - h) + nlen : LIBC_CALL(strlen, h) + 1, false, pc);
        crace_check_range(t, needle, nlen + 1, false, pc);
    }
    return r;
}

/* The new block comes from the real function's call to malloc, which
 * records it; the copy into it is this thread's write. */
INTERCEPTOR(char *, strdup, const char *s)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    char *r = LIBC_CALL(strdup, s);
    if (t && r) {
        size_t n = LIBC_CALL(strlen, r) + 1;
        crace_check_range(t, s, n, false, pc);
        crace_check_range(t, r, n, true, pc);
    }
    return r;
}

INTERCEPTOR(char *, strndup, const char *s, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    char *r = LIBC_CALL(strndup, s, n);
    if (t && r) {
        size_t len = LIBC_CALL(strlen, r);
        crace_check_range(t, s, len < n ? len + 1 : n, false, pc);
        crace_check_range(t, r, len + 1, true, pc);
    }
    return r;
}

/* The message is written into buf, and its bytes are the program's
 * (two threads formatting errors into one shared buffer race). GNU's
 * strerror_r may return a string of its own instead and leave buf alone;
 * the POSIX one, __xpg_strerror_r, writes buf when it returns 0. */
static void message_written(crace_thread *t, char *buf, size_t n, uintptr_t pc)
{
    size_t len = LIBC_CALL(strnlen, buf, n);
    crace_check_range(t, buf, len < n ? len + 1 : n, true, pc);
}

INTERCEPTOR(char *, strerror_r, int errnum, char *buf, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    char *r = REAL(strerror_r)(errnum, buf, n);
    if (t && r == buf && n)
        message_written(t, buf, n, pc);
    return r;
}

INTERCEPTOR(int, __xpg_strerror_r, int errnum, char *buf, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = libc_enter(pc);
    int r = REAL(__xpg_strerror_r)(errnum, buf, n);
    if (t && r == 0 && n)
        message_written(t, buf, n, pc);
    return r;
}

/* ---------------------------------------------------------------- _FORTIFY_SOURCE */

/* Each checks like glibc's (a failed check ends the program in
 * __chk_fail), then works as the plain function. */

CRACE_EXPORT void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen)
{
    if (n > dstlen)
        __chk_fail();
    return do_memcpy(dst, src, n, CALLER_PC());
}

CRACE_EXPORT void *__memmove_chk(void *dst, const void *src, size_t n, size_t dstlen)
{
    if (n > dstlen)
        __chk_fail();
    return do_memmove(dst, src, n, CALLER_PC());
}

CRACE_EXPORT void *__mempcpy_chk(void *dst, const void *src, size_t n, size_t dstlen)
{
    if (n > dstlen)
        __chk_fail();
    return do_mempcpy(dst, src, n, CALLER_PC());
}

CRACE_EXPORT void *__memset_chk(void *dst, int c, size_t n, size_t dstlen)
{
    if (n > dstlen)
        __chk_fail();
    return do_memset(dst, c, n, CALLER_PC());
}

CRACE_EXPORT void __explicit_bzero_chk(void *dst, size_t n, size_t dstlen)
{
    if (n > dstlen)
        __chk_fail();
    do_memset(dst, 0, n, CALLER_PC());
}

CRACE_EXPORT char *__stpcpy_chk(char *dst, const char *src, size_t dstlen)
{
    if (LIBC_CALL(strlen, src) >= dstlen)
        __chk_fail();
    return do_stpcpy(dst, src, CALLER_PC());
}

CRACE_EXPORT char *__strcpy_chk(char *dst, const char *src, size_t dstlen)
{
    if (LIBC_CALL(strlen, src) >= dstlen)
        __chk_fail();
    return do_strcpy(dst, src, CALLER_PC());
}

CRACE_EXPORT char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dstlen)
{
    if (n > dstlen)
        __chk_fail();
    return do_strncpy(dst, src, n, CALLER_PC());
}

CRACE_EXPORT char *__strcat_chk(char *dst, const char *src, size_t dstlen)
{
    size_t dlen = LIBC_CALL(strlen, dst);
    if (dlen >= dstlen || LIBC_CALL(strlen, src) >= dstlen - dlen)
        __chk_fail();
    return do_strcat(dst, src, CALLER_PC());
}

CRACE_EXPORT char *__strncat_chk(char *dst, const char *src, size_t n, size_t dstlen)
{
    size_t dlen = LIBC_CALL(strlen, dst);
    if (dlen >= dstlen || LIBC_CALL(strnlen, src, n) >= dstlen - dlen)
        __chk_fail();
    return do_strncat(dst, src, n, CALLER_PC());
}

/* ---------------------------------------------------------------- compiler ABI */

/* What newer compilers call instead of the plain functions in
 * instrumented code (the stub copies; here they are also checked). */
CRACE_EXPORT void *__tsan_memcpy(void *dst, const void *src, unsigned long n)
{
    return do_memcpy(dst, src, n, CALLER_PC());
}

CRACE_EXPORT void *__tsan_memmove(void *dst, const void *src, unsigned long n)
{
    return do_memmove(dst, src, n, CALLER_PC());
}

CRACE_EXPORT void *__tsan_memset(void *dst, int c, unsigned long n)
{
    return do_memset(dst, c, n, CALLER_PC());
}

/* ---------------------------------------------------------------- resolution */

/* Looks every real function up, once, on the first checked call. A
 * thread that finds the lookup under way goes on with the early versions
 * for the calls in between. */
static void libc_resolve(crace_thread *t)
{
    int expected = LIBC_UNRESOLVED;
    if (!atomic_compare_exchange_strong(&libc_state, &expected, LIBC_RESOLVING))
        return;
    t->in_shim++;
    (void)REAL(memcpy);
    (void)REAL(memmove);
    (void)REAL(memset);
    (void)REAL(mempcpy);
    (void)REAL(bzero);
    (void)REAL(explicit_bzero);
    (void)REAL(memccpy);
    (void)REAL(memcmp);
    (void)REAL(bcmp);
    (void)REAL(memchr);
    (void)REAL(memrchr);
    (void)REAL(strlen);
    (void)REAL(strnlen);
    (void)REAL(stpcpy);
    (void)REAL(strcpy);
    (void)REAL(strncpy);
    (void)REAL(strcat);
    (void)REAL(strncat);
    (void)REAL(strcmp);
    (void)REAL(strncmp);
    (void)REAL(strchr);
    (void)REAL(strrchr);
    (void)REAL(strstr);
    (void)REAL(strdup);
    (void)REAL(strndup);
    t->in_shim--;
    atomic_store_explicit(&libc_state, LIBC_RESOLVED, memory_order_release);
}
