/*
 * crash.c: a program that crashes under the detector says where.
 *
 * A fault in the program (a SIGSEGV, SIGBUS, SIGFPE or SIGILL the kernel
 * raised at an instruction, with no handler of the program's) used to end
 * the process as natively, with nothing on stderr: the shell's "Segmentation
 * fault" is lost under `crace run`, and after a finding the run's status is
 * 66, so nothing said that the program crashed at all. fatal_signal.c calls
 * crace_crash_report first, which prints what Go prints for a fault:
 *
 *   panic: runtime error: invalid memory address or nil pointer dereference
 *   [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x55d0c3a8a1b9]
 *
 *   goroutine 2 [running]:
 *   fetch()
 *           prog.c:12 +0x2b
 *   created by main in goroutine 1
 *           prog.c:30 +0x4c
 *
 * and the process then dies of the signal as before (same status, same
 * core dump). An abort the process makes itself (abort(), a failed
 * assert) prints Go's "SIGABRT: abort" and the stack from the abort.
 *
 * The stack is the faulting instruction, then the shadow call stack when
 * the fault is in instrumented code, else the frames libunwind finds from
 * the signal frame. Naming them takes libdw, which allocates, inside a
 * signal handler, in a process that may have crashed holding any lock,
 * malloc's among them. So a child process does it: a copy of the crashed
 * one made with the raw fork system call (no atfork handlers), whose
 * thread is the crashed thread, prints and exits; a child stuck on a lock
 * the copy holds is killed after CHILD_WAIT_MS and the crash keeps only
 * its first line. Only the first thread to fault prints; another one
 * that faults meanwhile waits for it to finish (its own death would end
 * the process, and the child with it, in mid-report), then dies.
 */
#include "crash.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fatal_signal.h"
#include "access.h"
#include "module.h"
#include "options.h"
#include "stackdepot.h"
#include "symbolize.h"
#include "thread.h"

enum { CHILD_WAIT_MS = 5000, CRASH_MAX_FRAMES = 64 };

/* 0; CRASH_REPORTING while the first thread to fault reports; then
 * CRASH_REPORTED. */
enum { CRASH_REPORTING = 1, CRASH_REPORTED = 2 };
static _Atomic int crashed;

/* What Go says of the fault, and the signal's name and description. */
static const char *fault_text(int sig, int code, const char **name, const char **what)
{
    switch (sig) {
    case SIGSEGV:
        *name = "SIGSEGV";
        *what = "segmentation violation";
        return "invalid memory address or nil pointer dereference";
    case SIGBUS:
        *name = "SIGBUS";
        *what = "bus error";
        return "invalid memory address or nil pointer dereference";
    case SIGFPE:
        *name = "SIGFPE";
        *what = "floating-point exception";
        return code == FPE_INTDIV ? "integer divide by zero"
               : code == FPE_INTOVF ? "integer overflow"
                                    : "floating-point exception";
    default:
        *name = "SIGILL";
        *what = "illegal instruction";
        return "illegal instruction";
    }
}

/* The crashed thread's frames, innermost first: ip (the faulting
 * instruction, + 1 so that it reads as the return addresses after it;
 * for an abort, the C library's instruction that sent it), then its
 * callers. */
static size_t crash_frames(uintptr_t ip, uintptr_t *pcs, size_t max)
{
    crace_thread *t = crace_cur;
    if (t && t->depth > 0 && crace_pc_instrumented(ip))
        return crace_current_pcs(t, ip + 1, pcs, max);
    /* From here: the handler's frames, the signal frame, then the
     * faulting one, which libunwind reports at ip itself. */
    uintptr_t all[CRASH_MAX_FRAMES * 2];
    size_t n = 0, got = gc_unwind(all, sizeof(all) / sizeof(all[0]), 0), i = 0;
    while (i < got && all[i] != ip)
        i++;
    if (i == got)
        return 0;
    pcs[n++] = ip + 1;
    for (i++; i < got && n < max; i++)
        pcs[n++] = all[i];
    return n;
}

static void put(const char *s)
{
    output_write_std(STDERR_FILENO, s, strlen(s));
}

/* The first frame of a creation stack that is the program's (go()'s and
 * pthread_create's own frames are hidden), as Go's "created by" names
 * it. Its strings live until the process exits (symbolize.h). */
struct creation_site {
    bool found;
    struct gc_frame frame;
};

static int creation_frame(const struct gc_frame *f, void *arg)
{
    struct creation_site *c = arg;
    if (c->found || gc_frame_is_hidden(f))
        return 0;
    c->found = true;
    c->frame = *f;
    return 1;
}

void crace_print_creation(const crace_thread *t)
{
    size_t n = 0;
    const uintptr_t *pcs = t->gid != 1 ? depot_get(t->creation_stack, &n) : NULL;
    struct creation_site c = {.found = false};
    for (size_t i = 0; pcs && i < n && !c.found; i++)
        gc_symbolize(pcs[i], true, creation_frame, &c);
    if (!c.found)
        return;
    const struct gc_frame *f = &c.frame;
    const char *file = f->file ? gc_strip_path(f->file, crace_opts.strip_path_prefix) : NULL;
    char line[2048];
    int len = snprintf(line, sizeof(line), "created by %s in goroutine %llu\n", f->function ? f->function : "??",
                       (unsigned long long)t->parent_gid);
    if (file && len > 0 && (size_t)len < sizeof(line))
        snprintf(line + len, sizeof(line) - (size_t)len, "\t%s:%d +0x%lx\n", file, f->line,
                 (unsigned long)f->func_offset);
    put(line);
}

/* In the child, first: it shares the crashed process's open files, and
 * outside the process a socket or pipe ends only when its last holder
 * closes it. A server's listening socket held by the child stays bound,
 * a peer or a pipe's reader waits for an end of file, while the child
 * symbolizes (up to CHILD_WAIT_MS). So the child closes its sockets and
 * pipes above stderr (raw system calls, a stack buffer: no allocation in
 * a copy of a crashed process). Regular files stay open: the
 * symbolizer's cache reads the modules through its own. */
static void close_sockets_and_pipes(void)
{
    char path[64];
    snprintf(path, sizeof(path), "%s/fd", crace_proc_dir());
    long dir = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return;
    char buf[4096] __attribute__((aligned(__alignof__(struct dirent64))));
    long got;
    while ((got = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < got;) {
            /* glibc's dirent64 is the kernel's linux_dirent64. */
            const struct dirent64 *d = (const struct dirent64 *)(buf + off);
            off += d->d_reclen;
            int fd = 0;
            for (const char *c = d->d_name; *c >= '0' && *c <= '9'; c++)
                fd = fd * 10 + (*c - '0');
            struct stat st;
            if (fd <= STDERR_FILENO || fd == dir || syscall(SYS_fstat, fd, &st) != 0)
                continue;
            if (S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode))
                syscall(SYS_close, fd);
        }
    }
    syscall(SYS_close, dir);
}

/* In the child: the goroutine's stack. */
static void print_stack(uintptr_t ip)
{
    uintptr_t pcs[CRASH_MAX_FRAMES];
    size_t n = crash_frames(ip, pcs, CRASH_MAX_FRAMES);
    crace_thread *t = crace_cur;
    char head[64];
    snprintf(head, sizeof(head), "\ngoroutine %llu [running]:\n", (unsigned long long)(t ? t->gid : 0));
    put(head);
    if (n)
        gc_print_stack(STDERR_FILENO, pcs, n, crace_opts.strip_path_prefix);
    else
        put("[failed to restore the stack]\n");
    if (t)
        crace_print_creation(t);
}

/* Another thread's report, under way: waited for, up to its child's
 * limit and a second more. */
static void wait_for_report(void)
{
    for (int ms = 0; ms < CHILD_WAIT_MS + 1000 && atomic_load(&crashed) == CRASH_REPORTING; ms += 10) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        syscall(SYS_nanosleep, &ts, NULL);
    }
}

static void report(int sig, const siginfo_t *info, const void *uctx);

void crace_crash_report(int sig, const siginfo_t *info, const void *uctx)
{
    int was = 0;
    if (!atomic_compare_exchange_strong(&crashed, &was, CRASH_REPORTING)) {
        wait_for_report();
        return;
    }
    report(sig, info, uctx);
    atomic_store(&crashed, CRASH_REPORTED);
}

static void report(int sig, const siginfo_t *info, const void *uctx)
{
    /* Not into a file the program opened as its descriptor 2 after
     * closing its stderr (output.c). */
    if (!output_std_fd_ours(STDERR_FILENO))
        return;
    uintptr_t ip = crace_ucontext_ip(uctx);
    char head[256];
    if (sig == SIGABRT) {
        /* Go's words for an abort; the program's own message (a failed
         * assert's) came before. */
        snprintf(head, sizeof(head), "SIGABRT: abort\nPC=0x%lx sigcode=%d\n", (unsigned long)ip, info->si_code);
    } else {
        const char *name, *what;
        const char *text = fault_text(sig, info->si_code, &name, &what);
        snprintf(head, sizeof(head), "panic: runtime error: %s\n[signal %s: %s code=0x%x addr=0x%lx pc=0x%lx]\n",
                 text, name, what, (unsigned)info->si_code, (unsigned long)(uintptr_t)info->si_addr,
                 (unsigned long)ip);
    }
    put(head);
    pid_t parent = (pid_t)syscall(SYS_getpid);
    pid_t child = (pid_t)syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
    if (child == 0) {
        /* Never outlive the crashed process: killed (a harness's
         * timeout) while this child is stuck on a lock, it would leave
         * the child holding stdout and stderr, and whoever reads them
         * waiting for good. */
        syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if ((pid_t)syscall(SYS_getppid) != parent)
            syscall(SYS_exit_group, 0);
        close_sockets_and_pipes();
        print_stack(ip);
        syscall(SYS_exit_group, 0);
    }
    if (child < 0)
        return;
    /* Raw calls: waitpid is an interceptor of the program's (a child's
     * status is a result it fills in). */
    int status;
    for (int ms = 0; ms < CHILD_WAIT_MS; ms += 10) {
        if ((pid_t)syscall(SYS_wait4, child, &status, WNOHANG, NULL) == child)
            return;
        struct timespec ts = {0, 10 * 1000 * 1000};
        syscall(SYS_nanosleep, &ts, NULL);
    }
    kill(child, SIGKILL);
    syscall(SYS_wait4, child, &status, 0, NULL);
}
