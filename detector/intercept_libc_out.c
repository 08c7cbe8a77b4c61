/*
 * intercept_libc_out.c: libc calls that fill in a result the caller
 * points to (the time, a broken-down date, a file's status, the working
 * directory, a random seed), as range writes of those bytes at the
 * caller's pc, and the inputs they read as range reads, as
 * intercept_libc.c does for mem* and str*. libc is not instrumented: two
 * threads formatting the time into one shared struct tm, or stat()ing
 * into one struct stat, raced unseen (ThreadSanitizer's interceptors see
 * them). rand_r reads and writes its seed: a seed shared by threads is a
 * race.
 *
 * A call is checked from the program's instrumented code once the shim is
 * initialised, and passed through before that, for the shim's own calls
 * and for uninstrumented libraries (crace_program_caller: an event loop
 * reads the clock into its own structures at every turn). clock_gettime, which the
 * shim calls too, is looked up as the shim loads (resolve_early), never
 * on a first call from inside the shim, which may hold an engine lock the
 * loader's lookup must not wait behind.
 */
#undef _FORTIFY_SOURCE /* the fortified inline wrappers would clash with these definitions */

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "intercept.h"

/* n bytes at p written (filled) or read (an input) for the call at pc,
 * when t (crace_program_caller's) is to be checked. */
static void filled(crace_thread *t, const void *p, size_t n, uintptr_t pc)
{
    if (t)
        crace_check_range(t, p, n, true, pc);
}

static void input(crace_thread *t, const void *p, size_t n, uintptr_t pc)
{
    if (t)
        crace_check_range(t, p, n, false, pc);
}

/* A call that returned r (0: success) having filled n bytes at p. Its
 * interceptor finds t before the call, so that errno stays the call's. */
static int filled_if_0(crace_thread *t, int r, const void *p, size_t n, uintptr_t pc)
{
    if (r == 0)
        filled(t, p, n, pc);
    return r;
}

/* A string the call wrote at s, its terminator included, at most n. */
static void filled_string(crace_thread *t, const char *s, size_t n, uintptr_t pc)
{
    if (t && s && n) {
        size_t len = strnlen(s, n);
        filled(t, s, len < n ? len + 1 : n, pc);
    }
}

/* ---------------------------------------------------------------- time */

INTERCEPTOR(time_t, time, time_t *tloc)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    time_t r = REAL(time)(tloc);
    if (r != (time_t)-1)
        filled(t, tloc, sizeof(*tloc), CALLER_PC());
    return r;
}

INTERCEPTOR(int, gettimeofday, struct timeval *restrict tv, void *restrict tz)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(gettimeofday)(tv, tz), tv, sizeof(*tv), CALLER_PC());
}

INTERCEPTOR(int, clock_gettime, clockid_t clk, struct timespec *ts)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(clock_gettime)(clk, ts), ts, sizeof(*ts), CALLER_PC());
}

INTERCEPTOR(struct tm *, localtime_r, const time_t *restrict tp, struct tm *restrict tm)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, tp, sizeof(*tp), CALLER_PC());
    struct tm *r = REAL(localtime_r)(tp, tm);
    if (r)
        filled(t, tm, sizeof(*tm), CALLER_PC());
    return r;
}

INTERCEPTOR(struct tm *, gmtime_r, const time_t *restrict tp, struct tm *restrict tm)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, tp, sizeof(*tp), CALLER_PC());
    struct tm *r = REAL(gmtime_r)(tp, tm);
    if (r)
        filled(t, tm, sizeof(*tm), CALLER_PC());
    return r;
}

/* ctime_r and asctime_r write at most 26 bytes (POSIX). */
INTERCEPTOR(char *, ctime_r, const time_t *tp, char *buf)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, tp, sizeof(*tp), CALLER_PC());
    char *r = REAL(ctime_r)(tp, buf);
    if (r)
        filled_string(t, buf, 26, CALLER_PC());
    return r;
}

INTERCEPTOR(char *, asctime_r, const struct tm *restrict tm, char *restrict buf)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, tm, sizeof(*tm), CALLER_PC());
    char *r = REAL(asctime_r)(tm, buf);
    if (r)
        filled_string(t, buf, 26, CALLER_PC());
    return r;
}

INTERCEPTOR(size_t, strftime, char *restrict s, size_t max, const char *restrict fmt, const struct tm *restrict tm)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, tm, sizeof(*tm), CALLER_PC());
    size_t r = REAL(strftime)(s, max, fmt, tm);
    if (r)
        filled(t, s, r + 1, CALLER_PC());
    return r;
}

/* ---------------------------------------------------------------- files */

INTERCEPTOR(int, stat, const char *restrict path, struct stat *restrict st)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(stat)(path, st), st, sizeof(*st), CALLER_PC());
}

INTERCEPTOR(int, lstat, const char *restrict path, struct stat *restrict st)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(lstat)(path, st), st, sizeof(*st), CALLER_PC());
}

INTERCEPTOR(int, fstat, int fd, struct stat *st)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(fstat)(fd, st), st, sizeof(*st), CALLER_PC());
}

INTERCEPTOR(int, fstatat, int dirfd, const char *restrict path, struct stat *restrict st, int flags)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(fstatat)(dirfd, path, st, flags), st, sizeof(*st), CALLER_PC());
}

/* The 64-bit names, which programs built with _FILE_OFFSET_BITS=64 call
 * (the same layout on 64-bit targets). */
INTERCEPTOR(int, stat64, const char *restrict path, struct stat64 *restrict st)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(stat64)(path, st), st, sizeof(*st), CALLER_PC());
}

INTERCEPTOR(int, lstat64, const char *restrict path, struct stat64 *restrict st)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(lstat64)(path, st), st, sizeof(*st), CALLER_PC());
}

INTERCEPTOR(int, fstat64, int fd, struct stat64 *st)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(fstat64)(fd, st), st, sizeof(*st), CALLER_PC());
}

INTERCEPTOR(char *, getcwd, char *buf, size_t size)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    char *r = REAL(getcwd)(buf, size);
    if (r && buf)
        filled_string(t, buf, size, CALLER_PC());
    return r;
}

INTERCEPTOR(ssize_t, readlink, const char *restrict path, char *restrict buf, size_t n)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    ssize_t r = REAL(readlink)(path, buf, n);
    if (r > 0)
        filled(t, buf, (size_t)r, CALLER_PC());
    return r;
}

/* ---------------------------------------------------------------- the system */

INTERCEPTOR(int, uname, struct utsname *u)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(uname)(u), u, sizeof(*u), CALLER_PC());
}

INTERCEPTOR(int, gethostname, char *name, size_t n)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    int r = REAL(gethostname)(name, n);
    if (r == 0)
        filled_string(t, name, n, CALLER_PC());
    return r;
}

INTERCEPTOR(int, rand_r, unsigned *seed)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, seed, sizeof(*seed), CALLER_PC());
    int r = REAL(rand_r)(seed);
    filled(t, seed, sizeof(*seed), CALLER_PC());
    return r;
}

/* The one the shim itself calls (it reads the clock, maybe under an
 * engine lock) is looked up as the shim loads; the others resolve on
 * their first call, from the program. */
__attribute__((constructor)) static void resolve_early(void)
{
    (void)REAL(clock_gettime);
}
