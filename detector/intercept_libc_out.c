/*
 * intercept_libc_out.c: libc calls that fill in a result the caller
 * points to or allocates for it (the time, a broken-down date, a file's
 * status, the working directory, a resolved path, a random seed, the
 * resource limits, a child's status, poll's revents, select's and
 * pselect's sets, a user's or a group's entry), as range writes of those
 * bytes at the caller's pc, and the inputs they read as range reads, as
 * intercept_libc.c does for mem* and str*. libc is not instrumented: two
 * threads formatting the time into one shared struct tm, or stat()ing
 * into one struct stat, raced unseen (ThreadSanitizer's interceptors see
 * them). rand_r reads and writes its seed: a seed shared by threads is a
 * race.
 *
 * A call is checked from the program's instrumented code once the shim is
 * initialised, and passed through before that, for the shim's own calls
 * and for uninstrumented libraries (crace_program_caller: an event loop
 * reads the clock into its own structures at every turn). clock_gettime
 * and getrlimit, which the shim calls too, are looked up as the shim
 * loads (resolve_early), never
 * on a first call from inside the shim, which may hold an engine lock the
 * loader's lookup must not wait behind.
 */
#undef _FORTIFY_SOURCE /* the fortified inline wrappers would clash with these definitions */

#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
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

/* A broken-down time filled in (r: the call's result, tm or NULL). */
static struct tm *got_tm(crace_thread *t, struct tm *r, struct tm *tm, uintptr_t pc)
{
    if (r)
        filled(t, tm, sizeof(*tm), pc);
    return r;
}

/* A date string written into buf: ctime_r and asctime_r write at most 26
 * bytes (POSIX). */
static char *got_date(crace_thread *t, char *r, char *buf, uintptr_t pc)
{
    if (r)
        filled_string(t, buf, 26, pc);
    return r;
}

INTERCEPTOR(struct tm *, localtime_r, const time_t *restrict tp, struct tm *restrict tm)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, tp, sizeof(*tp), CALLER_PC());
    return got_tm(t, REAL(localtime_r)(tp, tm), tm, CALLER_PC());
}

INTERCEPTOR(struct tm *, gmtime_r, const time_t *restrict tp, struct tm *restrict tm)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, tp, sizeof(*tp), CALLER_PC());
    return got_tm(t, REAL(gmtime_r)(tp, tm), tm, CALLER_PC());
}

INTERCEPTOR(char *, ctime_r, const time_t *tp, char *buf)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, tp, sizeof(*tp), CALLER_PC());
    return got_date(t, REAL(ctime_r)(tp, buf), buf, CALLER_PC());
}

INTERCEPTOR(char *, asctime_r, const struct tm *restrict tm, char *restrict buf)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, tm, sizeof(*tm), CALLER_PC());
    return got_date(t, REAL(asctime_r)(tm, buf), buf, CALLER_PC());
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

/* A directory or path name the call wrote: into the caller's buf of size
 * bytes, or, buf NULL, into a block it allocated (getcwd(NULL, 0),
 * realpath(p, NULL)). libc's own malloc is no write of the program's
 * (only a block the program's code allocates is, as under
 * ThreadSanitizer): the copy into the block is this thread's write, as
 * strdup's, so another thread's use of the string the block was handed
 * on by, unordered, is a race with it. */
static char *got_path(crace_thread *t, char *r, char *buf, size_t size, uintptr_t pc)
{
    if (r)
        filled_string(t, r, buf ? size : SIZE_MAX, pc);
    return r;
}

static ssize_t got_link(crace_thread *t, ssize_t r, char *buf, uintptr_t pc)
{
    if (r > 0)
        filled(t, buf, (size_t)r, pc);
    return r;
}

INTERCEPTOR(char *, getcwd, char *buf, size_t size)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return got_path(t, REAL(getcwd)(buf, size), buf, size, CALLER_PC());
}

/* get_current_dir_name and canonicalize_file_name always allocate;
 * realpath when resolved is NULL, else fills at most PATH_MAX bytes of
 * it. (The path they are given is not checked, as stat's is not.) */
INTERCEPTOR(char *, get_current_dir_name, void)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return got_path(t, REAL(get_current_dir_name)(), NULL, 0, CALLER_PC());
}

INTERCEPTOR(char *, realpath, const char *restrict path, char *restrict resolved)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return got_path(t, REAL(realpath)(path, resolved), resolved, PATH_MAX, CALLER_PC());
}

INTERCEPTOR(char *, canonicalize_file_name, const char *path)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return got_path(t, REAL(canonicalize_file_name)(path), NULL, 0, CALLER_PC());
}

INTERCEPTOR(ssize_t, readlink, const char *restrict path, char *restrict buf, size_t n)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return got_link(t, REAL(readlink)(path, buf, n), buf, CALLER_PC());
}

/* What _FORTIFY_SOURCE builds call instead (buflen: the buffer's size as
 * the compiler knows it, checked by libc). */
INTERCEPTOR(char *, __getcwd_chk, char *buf, size_t size, size_t buflen)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return got_path(t, REAL(__getcwd_chk)(buf, size, buflen), buf, size, CALLER_PC());
}

INTERCEPTOR(ssize_t, __readlink_chk, const char *restrict path, char *restrict buf, size_t n, size_t buflen)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return got_link(t, REAL(__readlink_chk)(path, buf, n, buflen), buf, CALLER_PC());
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

/* The 64-bit names too, which programs built with _FILE_OFFSET_BITS=64
 * call. prlimit reads the new limit it is given and fills in the old
 * one, either of which may be NULL (nothing to check then). */
INTERCEPTOR(int, getrlimit, __rlimit_resource_t resource, struct rlimit *rl)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(getrlimit)(resource, rl), rl, sizeof(*rl), CALLER_PC());
}

INTERCEPTOR(int, getrlimit64, __rlimit_resource_t resource, struct rlimit64 *rl)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(getrlimit64)(resource, rl), rl, sizeof(*rl), CALLER_PC());
}

INTERCEPTOR(int, prlimit, pid_t pid, __rlimit_resource_t resource, const struct rlimit *limit, struct rlimit *old)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, limit, sizeof(*limit), CALLER_PC());
    return filled_if_0(t, REAL(prlimit)(pid, resource, limit, old), old, sizeof(*old), CALLER_PC());
}

INTERCEPTOR(int, prlimit64, pid_t pid, __rlimit_resource_t resource, const struct rlimit64 *limit,
            struct rlimit64 *old)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    input(t, limit, sizeof(*limit), CALLER_PC());
    return filled_if_0(t, REAL(prlimit64)(pid, resource, limit, old), old, sizeof(*old), CALLER_PC());
}

/* ---------------------------------------------------------------- processes */

/* A child's status, and the resources it used, for the caller. */
static pid_t waited(crace_thread *t, pid_t r, int *status, struct rusage *ru, uintptr_t pc)
{
    if (r > 0) {
        if (status)
            filled(t, status, sizeof(*status), pc);
        if (ru)
            filled(t, ru, sizeof(*ru), pc);
    }
    return r;
}

INTERCEPTOR(pid_t, wait, int *status)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return waited(t, REAL(wait)(status), status, NULL, CALLER_PC());
}

INTERCEPTOR(pid_t, waitpid, pid_t pid, int *status, int options)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return waited(t, REAL(waitpid)(pid, status, options), status, NULL, CALLER_PC());
}

INTERCEPTOR(pid_t, wait4, pid_t pid, int *status, int options, struct rusage *ru)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return waited(t, REAL(wait4)(pid, status, options, ru), status, ru, CALLER_PC());
}

INTERCEPTOR(int, waitid, idtype_t idtype, id_t id, siginfo_t *info, int options)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(waitid)(idtype, id, info, options), info, sizeof(*info), CALLER_PC());
}

INTERCEPTOR(int, getrusage, int who, struct rusage *ru)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return filled_if_0(t, REAL(getrusage)(who, ru), ru, sizeof(*ru), CALLER_PC());
}

/* ---------------------------------------------------------------- readiness */

/* poll reads each entry's descriptor and events, and writes its revents
 * (an entry's fields only: a thread may read another's descriptor while
 * the poll runs, and revents of entries it does not own). */
static void poll_inputs(crace_thread *t, const struct pollfd *fds, nfds_t n, uintptr_t pc)
{
    for (nfds_t i = 0; t && i < n; i++)
        input(t, &fds[i], offsetof(struct pollfd, revents), pc);
}

static int polled(crace_thread *t, int r, struct pollfd *fds, nfds_t n, uintptr_t pc)
{
    for (nfds_t i = 0; t && r >= 0 && i < n; i++)
        filled(t, &fds[i].revents, sizeof(fds[i].revents), pc);
    return r;
}

INTERCEPTOR(int, poll, struct pollfd *fds, nfds_t n, int timeout)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    poll_inputs(t, fds, n, CALLER_PC());
    return polled(t, REAL(poll)(fds, n, timeout), fds, n, CALLER_PC());
}

INTERCEPTOR(int, ppoll, struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    poll_inputs(t, fds, n, CALLER_PC());
    return polled(t, REAL(ppoll)(fds, n, timeout, mask), fds, n, CALLER_PC());
}

/* select's sets: the bytes that hold descriptors below nfds, read before
 * and written after (the kernel rewrites each set it is given). */
static void fd_sets(crace_thread *t, int nfds, fd_set *sets[3], bool written, uintptr_t pc)
{
    size_t n = nfds > 0 ? ((size_t)nfds + 7) / 8 : 0;
    if (n > sizeof(fd_set))
        n = sizeof(fd_set);
    for (int i = 0; t && n && i < 3; i++)
        if (sets[i])
            crace_check_range(t, sets[i], n, written, pc);
}

INTERCEPTOR(int, select, int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    fd_set *sets[3] = {rd, wr, ex};
    fd_sets(t, nfds, sets, false, CALLER_PC());
    if (timeout)
        input(t, timeout, sizeof(*timeout), CALLER_PC());
    int r = REAL(select)(nfds, rd, wr, ex, timeout);
    if (r >= 0) {
        fd_sets(t, nfds, sets, true, CALLER_PC());
        if (timeout) /* Linux leaves the time not slept in it */
            filled(t, timeout, sizeof(*timeout), CALLER_PC());
    }
    return r;
}

/* As select, but its timeout is left alone; its signal mask is not
 * checked (as ppoll's is not). */
INTERCEPTOR(int, pselect, int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *timeout,
            const sigset_t *mask)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    fd_set *sets[3] = {rd, wr, ex};
    fd_sets(t, nfds, sets, false, CALLER_PC());
    if (timeout)
        input(t, timeout, sizeof(*timeout), CALLER_PC());
    int r = REAL(pselect)(nfds, rd, wr, ex, timeout, mask);
    if (r >= 0)
        fd_sets(t, nfds, sets, true, CALLER_PC());
    return r;
}

/* ---------------------------------------------------------------- users and groups */

/*
 * getpwnam_r, getpwuid_r, getgrnam_r and getgrgid_r read the name they
 * look up, and write *result (the entry, or NULL: none) when they
 * succeed; the entry, when found, into the caller's struct, its strings
 * (and a group's member list) into the caller's buffer. Of the buffer,
 * only those strings and that list count as written: how much more libc
 * used it for is not known (glibc reads the file's lines into it, and
 * marks its last byte to see whether a line fits), and a byte counted
 * that libc did not write could make a report of a correct program.
 * Anything an entry points to outside the buffer is not the caller's.
 */

/* Whether [p, p + n) lies in the buffer [buf, buf + size). */
static bool in_buffer(const void *p, size_t n, const char *buf, size_t size)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)buf;
    return a >= b && a - b <= size && n <= size - (a - b);
}

/* A string of the entry, written with its terminator. */
static void entry_string(crace_thread *t, const char *s, const char *buf, size_t size, uintptr_t pc)
{
    if (s && in_buffer(s, 1, buf, size))
        filled_string(t, s, size - (size_t)(s - buf), pc);
}

static int got_passwd(crace_thread *t, int r, struct passwd *pw, const char *buf, size_t size,
                      struct passwd **result, uintptr_t pc)
{
    if (!t || r != 0)
        return r;
    filled(t, result, sizeof(*result), pc);
    if (*result != pw)
        return r; /* none found */
    filled(t, pw, sizeof(*pw), pc);
    entry_string(t, pw->pw_name, buf, size, pc);
    entry_string(t, pw->pw_passwd, buf, size, pc);
    entry_string(t, pw->pw_gecos, buf, size, pc);
    entry_string(t, pw->pw_dir, buf, size, pc);
    entry_string(t, pw->pw_shell, buf, size, pc);
    return r;
}

static int got_group(crace_thread *t, int r, struct group *gr, const char *buf, size_t size, struct group **result,
                     uintptr_t pc)
{
    if (!t || r != 0)
        return r;
    filled(t, result, sizeof(*result), pc);
    if (*result != gr)
        return r;
    filled(t, gr, sizeof(*gr), pc);
    entry_string(t, gr->gr_name, buf, size, pc);
    entry_string(t, gr->gr_passwd, buf, size, pc);
    char **mem = gr->gr_mem;
    if (!mem || !in_buffer(mem, sizeof(*mem), buf, size))
        return r;
    /* The member list, its terminating NULL included, then each name. */
    size_t room = (size - (size_t)((const char *)mem - buf)) / sizeof(*mem), n = 0;
    while (n < room && mem[n])
        n++;
    if (n == room)
        return r;
    filled(t, mem, (n + 1) * sizeof(*mem), pc);
    for (size_t i = 0; i < n; i++)
        entry_string(t, mem[i], buf, size, pc);
    return r;
}

/* The name looked up, read to its terminator. */
static void name_read(crace_thread *t, const char *name, uintptr_t pc)
{
    if (t && name)
        input(t, name, strlen(name) + 1, pc);
}

INTERCEPTOR(int, getpwnam_r, const char *restrict name, struct passwd *restrict pw, char *restrict buf,
            size_t size, struct passwd **restrict result)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    name_read(t, name, CALLER_PC());
    return got_passwd(t, REAL(getpwnam_r)(name, pw, buf, size, result), pw, buf, size, result, CALLER_PC());
}

INTERCEPTOR(int, getpwuid_r, uid_t uid, struct passwd *restrict pw, char *restrict buf, size_t size,
            struct passwd **restrict result)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return got_passwd(t, REAL(getpwuid_r)(uid, pw, buf, size, result), pw, buf, size, result, CALLER_PC());
}

INTERCEPTOR(int, getgrnam_r, const char *restrict name, struct group *restrict gr, char *restrict buf,
            size_t size, struct group **restrict result)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    name_read(t, name, CALLER_PC());
    return got_group(t, REAL(getgrnam_r)(name, gr, buf, size, result), gr, buf, size, result, CALLER_PC());
}

INTERCEPTOR(int, getgrgid_r, gid_t gid, struct group *restrict gr, char *restrict buf, size_t size,
            struct group **restrict result)
{
    crace_thread *t = crace_program_caller(CALLER_PC());
    return got_group(t, REAL(getgrgid_r)(gid, gr, buf, size, result), gr, buf, size, result, CALLER_PC());
}

/* The ones the shim itself calls (it reads the clock, maybe under an
 * engine lock, and the address-space limit when a reservation fails) are
 * looked up as the shim loads; the others resolve on their first call,
 * from the program. */
__attribute__((constructor)) static void resolve_early(void)
{
    (void)REAL(clock_gettime);
    (void)REAL(getrlimit);
}
