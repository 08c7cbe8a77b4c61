/*
 * intercept_libc_scan.c: libc's string scans, case-insensitive
 * comparisons and tokenisers as range accesses, as intercept_libc.c
 * checks strlen and strcmp: after the real call, the bytes it read (and
 * wrote) at the caller's pc, for the calls intercept_libc.c checks
 * (crace_libc_caller: not the shim's own, nor before it is ready).
 *
 *  - strspn, strcspn and strpbrk read the string up to the byte that
 *    ended the scan (the first one in or out of the set, or the
 *    terminator), and the whole set. glibc's strspn reads nothing of the
 *    string for an empty set.
 *  - strcasecmp and strncasecmp read both strings up to the first
 *    difference ignoring case or the first terminator, at most n bytes.
 *  - strtok and strtok_r read the string from where they start (the one
 *    given, or where the previous call stopped) through the delimiters
 *    they skip, the token and the byte after it, which they overwrite
 *    with a terminator when it was a delimiter; and the whole set of
 *    delimiters, but not when the string left is empty (glibc returns at
 *    once). strtok_r reads *save when it continues a string, and writes
 *    it.
 *
 * strtok keeps where it stopped in a static of libc's, out of sight, and
 * a call that continues a string starts there. So the interceptor is
 * strtok_r with a position the shim keeps, which is what glibc's strtok
 * is with its own: the calls it passes through use it too, so a split
 * begun before the shim was ready goes on from the right place. The
 * position is no memory of the program's and is not checked (under
 * ThreadSanitizer, libc's is not either); two threads splitting at once
 * race on it as they would on libc's, and a call whose token is then not
 * where it started is not checked.
 *
 * The real functions are looked up as the shim loads: the shim's own
 * code calls strpbrk and strcspn (exec_env.c, symbolize.c), perhaps with
 * an engine lock held, when a first lookup must not wait for the
 * loader's lock.
 *
 * This file must not call the functions it defines by name.
 */
#include <string.h>
#include <strings.h>

#include "access.h"
#include "intercept.h"

/* A set of characters (an accept, reject or delimiter set): glibc reads
 * all of it, its terminator too, to build its table. */
static void set_read(crace_thread *t, const char *set, uintptr_t pc)
{
    crace_check_range(t, set, strlen(set) + 1, false, pc);
}

/* ---------------------------------------------------------------- scans */

INTERCEPTOR(size_t, strspn, const char *s, const char *accept)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = crace_libc_caller(pc);
    size_t r = REAL(strspn)(s, accept);
    if (t) {
        /* s[r] is the byte that is not in the set (a terminator is in
         * none). */
        if (accept[0])
            crace_check_range(t, s, r + 1, false, pc);
        set_read(t, accept, pc);
    }
    return r;
}

INTERCEPTOR(size_t, strcspn, const char *s, const char *reject)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = crace_libc_caller(pc);
    size_t r = REAL(strcspn)(s, reject);
    if (t) {
        crace_check_range(t, s, r + 1, false, pc);
        set_read(t, reject, pc);
    }
    return r;
}

INTERCEPTOR(char *, strpbrk, const char *s, const char *accept)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = crace_libc_caller(pc);
    char *r = REAL(strpbrk)(s, accept);
    if (t) {
        crace_check_range(t, s, r ? (size_t)(r - s) + 1 : strlen(s) + 1, false, pc);
        set_read(t, accept, pc);
    }
    return r;
}

/* ---------------------------------------------------------------- comparisons */

INTERCEPTOR(int, strcasecmp, const char *a, const char *b)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = crace_libc_caller(pc);
    int r = REAL(strcasecmp)(a, b);
    if (t) {
        size_t k = crace_compared_bytes(a, b, SIZE_MAX, true, true);
        crace_check_range(t, a, k, false, pc);
        crace_check_range(t, b, k, false, pc);
    }
    return r;
}

INTERCEPTOR(int, strncasecmp, const char *a, const char *b, size_t n)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = crace_libc_caller(pc);
    int r = REAL(strncasecmp)(a, b, n);
    if (t) {
        size_t k = crace_compared_bytes(a, b, n, true, true);
        crace_check_range(t, a, k, false, pc);
        crace_check_range(t, b, k, false, pc);
    }
    return r;
}

/* ---------------------------------------------------------------- tokens */

/* A split by strtok_r that started at start and returned the token r
 * (NULL: none left), leaving next for the next call: what it read and
 * wrote (see the top). Nothing when the token is not where the split
 * started: another thread moved strtok's position meanwhile. */
static void token_split(crace_thread *t, char *start, const char *delim, char *r, const char *next, uintptr_t pc)
{
    const char *end = r ? r + strlen(r) : next;
    if (!start || (uintptr_t)end < (uintptr_t)start || (r && (uintptr_t)r < (uintptr_t)start))
        return;
    crace_check_range(t, start, (size_t)(end - start) + 1, false, pc);
    if (r || next != start)
        set_read(t, delim, pc);
    if (r && next == end + 1)
        crace_check_range(t, end, 1, true, pc);
}

INTERCEPTOR(char *, strtok_r, char *s, const char *delim, char **save)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = crace_libc_caller(pc);
    char *start = t ? (s ? s : *save) : NULL;
    char *r = REAL(strtok_r)(s, delim, save);
    if (t) {
        if (!s)
            crace_check_range(t, save, sizeof(*save), false, pc);
        crace_check_range(t, save, sizeof(*save), true, pc);
        token_split(t, start, delim, r, *save, pc);
    }
    return r;
}

/* strtok's position (see the top). */
static char *strtok_next;

CRACE_EXPORT char *strtok(char *s, const char *delim)
{
    uintptr_t pc = CALLER_PC();
    crace_thread *t = crace_libc_caller(pc);
    char *start = s ? s : strtok_next;
    char *r = REAL(strtok_r)(s, delim, &strtok_next);
    if (t)
        token_split(t, start, delim, r, strtok_next, pc);
    return r;
}

__attribute__((constructor(101))) static void scan_resolve(void)
{
    (void)REAL(strspn), (void)REAL(strcspn), (void)REAL(strpbrk);
    (void)REAL(strcasecmp), (void)REAL(strncasecmp), (void)REAL(strtok_r);
}
