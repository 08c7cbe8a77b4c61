/*
 * output.c: the report stream (rt.h: crace_write, crace_printf,
 * crace_fatal; options.h: output_init and friends).
 *
 * log_path selects the stream: "stderr" (the default), "stdout", or a
 * path prefix, in which case each process writes its own file PREFIX.PID,
 * opened on the first write (or at output_init) and again in a forked
 * child, which must not append to its parent's file.
 *
 * Writes go straight to the write system call, never through stdio
 * (nothing is lost when the program crashes afterwards) and never through
 * libc's write(), open() or close(), which the shim may intercept: the
 * shim would then see its own output as program I/O. errno is preserved:
 * a report printed from inside an interceptor must not change what the
 * program sees.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fork.h"
#include "lock.h"
#include "shimlock.h"
#include "options.h"
#include "rt.h"

/*
 * out_lock protects the log_* variables, and is held across each whole
 * write so that reports from different threads never interleave. It is
 * never held across a call into the program. A signal handler that
 * interrupts the holder on the same thread and writes (a crash flushing
 * findings) must not wait for it: out_depth says this thread holds it, and
 * such a nested write goes out unlocked.
 *
 * The program may close the log file's descriptor (daemons close them
 * all) and open one of its own that gets the same number: log_dev and
 * log_ino tell whether log_fd is still our file, so that reports never
 * land in the program's file and the program's file is never closed.
 */
static gc_lock_t out_lock = GC_LOCK_INIT;
/*
 * The standard streams the reports go to (log_path stderr or stdout; a
 * crash's stack always goes to stderr): for descriptors 1 and 2, the file
 * each named when the process started, or that the program pointed it at
 * since (dup2, dup3, dup, fcntl's F_DUPFD, freopen:
 * output_std_redirected). A program may close its stderr (xz does at
 * exit, to check for write errors) and then open a file of its own,
 * which takes the number: the descriptor names the program's data, and a
 * report written there would corrupt it. Reports are not printed then
 * (the JSON records of `crace run`, in a file of crace's own, still have
 * them). std_state[fd] says whether the descriptor is recorded yet
 * (output_init: until then, it is taken as it is), and whether it was
 * open. Changed under out_lock; read without it too (a crash): a torn
 * read fails the comparison, and loses that text rather than misplace it.
 */
enum std_state { STD_UNRECORDED, STD_OPEN, STD_CLOSED };
static _Atomic dev_t std_dev[3];
static _Atomic ino_t std_ino[3];
static _Atomic int std_state[3];
static int log_fd = -1;      /* PREFIX.<log_pid>, or -1 */
static pid_t log_pid;
static dev_t log_dev;
static ino_t log_ino;
static pid_t log_failed_pid; /* the process that could not open its file (warned once) */
static CRACE_TLS int out_depth;

/* A full pipe or terminal in non-blocking mode: how long to wait for it
 * to drain, in total, before giving the text up. */
enum { EAGAIN_WAIT_MS = 10, EAGAIN_TRIES = 500 };

static void write_all(int fd, const char *s, size_t n)
{
    int tries = 0;
    while (n > 0) {
        long w = syscall(SYS_write, fd, s, n);
        if (w > 0) {
            s += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && tries++ < EAGAIN_TRIES) {
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};
            struct timespec ts = {0, EAGAIN_WAIT_MS * 1000000L};
            syscall(SYS_ppoll, &pfd, 1, &ts, NULL, 0);
        } else {
            return; /* nowhere left to say so */
        }
    }
}

void output_write_fd(int fd, const char *s, size_t n)
{
    int saved = errno;
    write_all(fd, s, n);
    errno = saved;
}

void output_write_std(int fd, const char *s, size_t n)
{
    if (output_std_fd_ours(fd))
        output_write_fd(fd, s, n);
}

enum stream { STREAM_STDERR, STREAM_STDOUT, STREAM_FILE };

static enum stream stream_kind(void)
{
    const char *p = crace_opts.log_path;
    if (!p || !*p || strcmp(p, "stderr") == 0)
        return STREAM_STDERR;
    if (strcmp(p, "stdout") == 0)
        return STREAM_STDOUT;
    return STREAM_FILE;
}

/* Records what fd (1 or 2) names now. */
static void std_record(int fd)
{
    struct stat st;
    bool open = syscall(SYS_fstat, fd, &st) == 0;
    if (open) {
        atomic_store(&std_dev[fd], st.st_dev);
        atomic_store(&std_ino[fd], st.st_ino);
    }
    atomic_store(&std_state[fd], open ? STD_OPEN : STD_CLOSED);
}

bool output_std_fd_ours(int fd)
{
    if (fd != 1 && fd != 2)
        return true;
    int state = atomic_load(&std_state[fd]);
    if (state != STD_OPEN)
        return state == STD_UNRECORDED;
    struct stat st;
    return syscall(SYS_fstat, fd, &st) == 0 && st.st_dev == atomic_load(&std_dev[fd]) &&
           st.st_ino == atomic_load(&std_ino[fd]);
}

void output_std_redirected(int fd)
{
    if (fd != 1 && fd != 2)
        return;
    int saved = errno;
    /* A handler interrupting this thread's own write holds the lock. */
    if (out_depth > 0) {
        std_record(fd);
    } else {
        crace_lock(&out_lock);
        std_record(fd);
        crace_unlock(&out_lock);
    }
    errno = saved;
}

/* Opens PREFIX.PID for pid into log_*; returns false with errno set. The
 * path tried is left in path. */
static bool open_log(pid_t pid, char *path, size_t len)
{
    int n = snprintf(path, len, "%s.%d", crace_opts.log_path, (int)pid);
    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return false;
    }
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_APPEND | O_WRONLY | O_CLOEXEC, 0644);
    struct stat st;
    if (fd < 0)
        return false;
    if (syscall(SYS_fstat, fd, &st) != 0) {
        int e = errno;
        syscall(SYS_close, fd);
        errno = e;
        return false;
    }
    log_fd = (int)fd;
    log_pid = pid;
    log_dev = st.st_dev;
    log_ino = st.st_ino;
    return true;
}

/* log_fd still names the file we opened (whichever process did). */
static bool log_fd_ours(void)
{
    struct stat st;
    return log_fd >= 0 && syscall(SYS_fstat, log_fd, &st) == 0 && st.st_dev == log_dev &&
           st.st_ino == log_ino;
}

/* The stream's fd; for a log file, the one of this process, opened now if
 * needed. Under out_lock. */
static int stream_fd_locked(void)
{
    switch (stream_kind()) {
    case STREAM_STDERR:
        return output_std_fd_ours(2) ? 2 : -1;
    case STREAM_STDOUT:
        return output_std_fd_ours(1) ? 1 : -1;
    case STREAM_FILE:
        break;
    }
    pid_t pid = getpid();
    bool ours = log_fd_ours();
    if (ours && log_pid == pid)
        return log_fd;
    if (ours) /* inherited over fork: the parent's file */
        syscall(SYS_close, log_fd);
    log_fd = -1;
    if (log_failed_pid == pid)
        return 2;
    /* Not on the stack: the first report after a fork may come from a
     * thread with a small one. */
    enum { PATH_MAX_LEN = 4096, MSG_MAX = PATH_MAX_LEN + 256 };
    char *path = crace_alloc(PATH_MAX_LEN);
    int fd = 2;
    if (!open_log(pid, path, PATH_MAX_LEN)) {
        /* Only after a fork into a place the parent could write to but
         * the child cannot: losing the reports would be worse than
         * printing them somewhere unexpected. */
        char *msg = crace_alloc(MSG_MAX);
        char ebuf[128];
        int n = snprintf(msg, MSG_MAX, "crace: cannot open log_path '%s': %s; reports go to stderr\n", path,
                         strerror_r(errno, ebuf, sizeof(ebuf)));
        if (n > 0)
            output_write_std(2, msg, (size_t)n < MSG_MAX ? (size_t)n : MSG_MAX - 1);
        crace_free(msg);
        log_failed_pid = pid;
    } else {
        fd = log_fd;
    }
    crace_free(path);
    return fd;
}

void crace_write(const char *s, size_t n)
{
    int saved = errno;
    if (out_depth > 0) {
        /* Re-entered from a signal handler on this thread: the lock is
         * ours already. Read the fd without it, never open. */
        int fd = -1;
        if (stream_kind() == STREAM_STDERR && output_std_fd_ours(2))
            fd = 2;
        else if (stream_kind() == STREAM_STDOUT && output_std_fd_ours(1))
            fd = 1;
        else if (stream_kind() == STREAM_FILE && log_pid == getpid() && log_fd_ours())
            fd = log_fd;
        if (fd >= 0)
            write_all(fd, s, n);
        errno = saved;
        return;
    }
    out_depth++;
    crace_lock(&out_lock);
    int fd = stream_fd_locked();
    if (fd >= 0)
        write_all(fd, s, n);
    crace_unlock(&out_lock);
    out_depth--;
    errno = saved;
}

void crace_printf(const char *fmt, ...)
{
    char buf[4096];
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(buf)) {
        crace_write(buf, (size_t)n);
    } else if (n > 0) {
        char *big = crace_alloc((size_t)n + 1);
        vsnprintf(big, (size_t)n + 1, fmt, again);
        crace_write(big, (size_t)n);
        crace_free(big);
    }
    va_end(again);
}

void crace_fatal(const char *fmt, ...)
{
    /* Always stderr, whatever log_path says: the message may be that
     * log_path cannot be opened. Long messages are cut, not allocated. */
    char buf[4096];
    size_t len = 0;
    static const char prefix[] = "crace: ";
    memcpy(buf, prefix, sizeof(prefix) - 1);
    len = sizeof(prefix) - 1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + len, sizeof(buf) - len - 1, fmt, ap);
    va_end(ap);
    if (n > 0)
        len += (size_t)n < sizeof(buf) - len - 1 ? (size_t)n : sizeof(buf) - len - 2;
    buf[len++] = '\n';
    if (output_std_fd_ours(2))
        write_all(2, buf, len);
    _exit(1);
}

void output_init(void)
{
    std_record(1);
    std_record(2);
    if (stream_kind() != STREAM_FILE)
        return;
    crace_lock(&out_lock);
    pid_t pid = getpid();
    if (log_pid == pid && log_fd_ours()) {
        crace_unlock(&out_lock);
        return;
    }
    char path[4096];
    if (!open_log(pid, path, sizeof(path))) {
        char ebuf[128];
        const char *why = strerror_r(errno, ebuf, sizeof(ebuf));
        crace_unlock(&out_lock);
        crace_fatal("cannot open log_path '%s': %s", path, why);
    }
    crace_unlock(&out_lock);
}

/* out_lock is held across the fork, so no report is half-written into
 * the file the child then leaves. */
void output_fork(enum crace_fork_phase phase)
{
    switch (phase) {
    case CRACE_FORK_PREPARE:
        out_depth++;
        gc_lock(&out_lock);
        break;
    case CRACE_FORK_PARENT:
        gc_unlock(&out_lock);
        out_depth--;
        break;
    case CRACE_FORK_CHILD:
        output_after_fork_child();
        break;
    }
}

void output_after_fork_child(void)
{
    /* Only this thread exists in the child: no one can hold the lock for
     * real, but the parent's holder may have been copied mid-write. */
    atomic_store_explicit(&out_lock.state, 0, memory_order_relaxed);
    out_depth = 0;
    if (log_pid != getpid()) {
        if (log_fd_ours())
            syscall(SYS_close, log_fd);
        log_fd = -1;
    }
}
