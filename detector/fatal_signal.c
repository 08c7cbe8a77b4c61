/*
 * fatal_signal.c: the signal that ends the process does not cut a finding
 * in half.
 *
 * A finding is written with one write(2) per stream, but the kernel stops
 * a write to a file between two pages when a fatal signal is pending: a
 * process killed by SIGTERM while it wrote a record left half of it. For
 * the signals whose default action ends the process, as long as the
 * program keeps that default, the shim installs a handler of its own that
 * waits until no finding is being written (up to WAIT_MS), then restores
 * the default action and raises the signal again: the process dies of it
 * as before (same status, same core dump), after the record. A fault,
 * and an abort the process made itself, also print where they happened
 * first (crash.c). A signal
 * that arrives on the thread writing a finding waits for that thread to
 * finish it (fatal_signal_end_write). A fault raised by the kernel (a
 * SIGSEGV at an instruction) is never held: the handler restores the
 * default and returns, and the instruction faults again. SIGKILL cannot
 * be caught: it may still cut the record being written, which readers
 * skip as damaged.
 *
 * The program sees none of this: sigaction reports SIG_DFL for these
 * signals while it has not set a handler (intercept_signal.c), and a
 * handler it installs replaces this one.
 */
#include "fatal_signal.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "crash.h"
#include "intercept.h"
#include "rt.h"

#define FATAL_SIGNALS(X) X(SIGTERM) X(SIGINT) X(SIGHUP) X(SIGQUIT) X(SIGABRT) X(SIGSEGV) X(SIGBUS) X(SIGFPE) X(SIGILL)

/* How long a fatal signal waits for another thread's finding. */
enum { WAIT_MS = 2000 };

static _Atomic int writing;         /* findings being written, all threads */
static CRACE_TLS int writing_here;  /* ... by this thread */
static CRACE_TLS volatile sig_atomic_t held_signal; /* arrived while this thread wrote */

typedef int sigaction_fn(int, const struct sigaction *, struct sigaction *);
static sigaction_fn *real_sigaction;

bool fatal_signal_guarded(int sig)
{
    switch (sig) {
#define FATAL_CASE(s) case s:
        FATAL_SIGNALS(FATAL_CASE)
#undef FATAL_CASE
        return true;
    default:
        return false;
    }
}

/* The interrupted pc and stack pointer in a signal context, per
 * architecture; 0 where unknown. */
#if defined(__x86_64__)
#define UC_IP(uc) ((uintptr_t)(uc)->uc_mcontext.gregs[REG_RIP])
#define UC_SP(uc) ((uintptr_t)(uc)->uc_mcontext.gregs[REG_RSP])
#elif defined(__aarch64__)
#define UC_IP(uc) ((uintptr_t)(uc)->uc_mcontext.pc)
#define UC_SP(uc) ((uintptr_t)(uc)->uc_mcontext.sp)
#else
#define UC_IP(uc) ((void)(uc), (uintptr_t)0)
#define UC_SP(uc) ((void)(uc), (uintptr_t)0)
#endif

uintptr_t crace_ucontext_ip(const void *uctx)
{
    const ucontext_t *uc = uctx;
    return uc ? UC_IP(uc) : 0;
}

uintptr_t crace_ucontext_sp(const void *uctx)
{
    const ucontext_t *uc = uctx;
    return uc ? UC_SP(uc) : 0;
}

/* A fault the kernel raised at the instruction that was running. */
static bool from_kernel_fault(int sig, const siginfo_t *info)
{
    return (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL) && info &&
           info->si_code > 0;
}

/* The default action again, then the signal: the process ends of it. */
static void die_of(int sig, bool fault)
{
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    real_sigaction(sig, &dfl, NULL);
    if (fault)
        return; /* the instruction runs, and faults, again */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, _NSIG / 8);
    syscall(SYS_tgkill, getpid(), gettid(), sig);
}

/* The process aborted itself (abort(), a failed assert): SIGABRT sent
 * with tgkill by a thread of its own. */
static bool self_abort(int sig, const siginfo_t *info)
{
    return sig == SIGABRT && info && info->si_code == SI_TKILL && info->si_pid == getpid();
}

static void on_fatal(int sig, siginfo_t *info, void *uctx)
{
    int saved = errno;
    bool fault = from_kernel_fault(sig, info);
    if (writing_here && !fault) {
        held_signal = sig; /* this thread ends its finding first */
        errno = saved;
        return;
    }
    for (int ms = 0; ms < WAIT_MS && atomic_load_explicit(&writing, memory_order_acquire) > writing_here;
         ms++) {
        struct timespec ts = {0, 1000 * 1000};
        syscall(SYS_nanosleep, &ts, NULL);
    }
    if (fault || self_abort(sig, info))
        crace_crash_report(sig, info, uctx);
    die_of(sig, fault);
    errno = saved;
}

void fatal_signal_action(struct sigaction *act)
{
    *act = (struct sigaction){.sa_sigaction = on_fatal, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&act->sa_mask);
}

bool fatal_signal_is_ours(const struct sigaction *act)
{
    return (act->sa_flags & SA_SIGINFO) && act->sa_sigaction == on_fatal;
}

void fatal_signal_init(void)
{
    real_sigaction = (sigaction_fn *)crace_real("sigaction", NULL);
    struct sigaction ours, old;
    fatal_signal_action(&ours);
#define FATAL_INSTALL(s)                                                         \
    if (real_sigaction(s, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&    \
        old.sa_handler == SIG_DFL)                                               \
        real_sigaction(s, &ours, NULL);
    FATAL_SIGNALS(FATAL_INSTALL)
#undef FATAL_INSTALL
}

void fatal_signal_begin_write(void)
{
    writing_here++;
    atomic_fetch_add_explicit(&writing, 1, memory_order_acq_rel);
}

void fatal_signal_end_write(void)
{
    atomic_fetch_sub_explicit(&writing, 1, memory_order_acq_rel);
    if (--writing_here == 0 && held_signal) {
        int sig = held_signal;
        held_signal = 0;
        die_of(sig, false);
    }
}
