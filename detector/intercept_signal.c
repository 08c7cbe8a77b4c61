/*
 * intercept_signal.c: the program's signal handlers, kill and sigwait.
 *
 * The guarantee: a signal handler never runs while its thread is inside
 * the detector, so it can neither deadlock on a detector lock the thread
 * holds nor see its history ring, shadow call stack or overflow pool half
 * updated; it runs as soon as the thread is out again, checked like any
 * other code of the program (its frames on top of the interrupted stack).
 *
 * sigaction() and signal() install a wrapper instead of the program's
 * handler and remember the handler (sigaction reports it back as the
 * program set it). When a signal arrives, the wrapper looks at the
 * interrupted thread: inside the shim (in_shim) or busy with a detector
 * lock or one of its own structures (crace_busy, shimlock.h), the signal
 * is deferred: recorded as pending in the thread's signal context, and the
 * CRACE_IGNORE_SIGNAL bit of its ignore count, with the fast path's want
 * set to match no cell, makes its next instrumented access take the slow
 * path, which runs the handler. Interceptors and
 * dl_block, right before a blocking call, run it too (intercept_signal.h).
 * ThreadSanitizer defers every asynchronous signal until the next
 * interceptor; crace defers only those that interrupt the detector, so a
 * program that spins on a flag its handler sets sees the handler at once.
 * A synchronous signal (a fault the kernel raised: SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGTRAP, SIGSYS) cannot wait, since returning re-executes the
 * faulting instruction: its handler runs at once.
 *
 * A deferred handler runs with the signal and the handler's sa_mask
 * blocked, as the kernel would have run it, and with a context from
 * getcontext() in place of the interrupted one. Standard signals that
 * arrive again while one is pending merge, as the kernel merges them.
 *
 * Happens-before: installing a handler (sigaction, signal), kill, tgkill,
 * pthread_kill, raise and sigqueue release the signal's clock; a
 * handler, and a sigwait, sigwaitinfo or
 * sigtimedwait that returns the signal, acquire it. So data prepared
 * before sending a signal is seen by its handler or by the thread that
 * waits for it without a report: the kernel runs the handler only once
 * the signal is sent. (ThreadSanitizer orders only the installing before
 * the handler, and reports such data as a race: its
 * pthread_atfork_deadlock3 test expects one.) sigwait counts
 * as running for the deadlock detector, like read or poll: a thread that
 * waits for SIGINT forever is not stuck.
 *
 * sig_lock protects user_act's updates (a leaf, never held across a call
 * into the program; the wrapper reads user_act without it: a handler
 * changed while its signal arrives is either one).
 */
#define UNW_LOCAL_ONLY
#include <errno.h>
#include <libunwind.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <ucontext.h>

#include "access.h"
#include "fatal_signal.h"
#include "fork.h"
#include "intercept.h"
#include "intercept_signal.h"
#include "misuse.h"
#include "module.h"
#include "shimlock.h"
#include "sync.h"
#include "thread.h"

#define SIG_MAX 65 /* signals 1..64 */

/* tsan_entry.c: the handler's call site as a frame of its stack. */
void __tsan_func_entry(void *pc);
void __tsan_func_exit(void);

/* One thread's deferred signals: pending bit sig - 1, and each one's
 * siginfo. Written by the thread's handlers, read by the thread. */
struct crace_sigctx {
    _Atomic uint64_t pending;
    siginfo_t info[SIG_MAX];
};

static gc_lock_t sig_lock = GC_LOCK_INIT;
static struct sigaction user_act[SIG_MAX]; /* the program's handlers, as it set them */
static stack_id installed_at[SIG_MAX];     /* where each was installed (0: unknown) */

/* The objects a signal's senders release and its receivers acquire. */
static char sig_clock[SIG_MAX];

static bool sig_valid(int sig)
{
    return sig > 0 && sig < SIG_MAX;
}

static bool is_handler(const struct sigaction *act)
{
    return (act->sa_flags & SA_SIGINFO) || (act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN);
}

/* A fault the kernel raised for the instruction that was running. */
static bool synchronous(int sig, const siginfo_t *info)
{
    switch (sig) {
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGTRAP:
    case SIGSYS:
        return info && info->si_code > 0;
    default:
        return false;
    }
}

/* May a handler run on t right now? */
static bool safe_point(const crace_thread *t)
{
    return t->in_shim == 0 && crace_busy == 0;
}

/* Whether a handler for sig that returned with errno changed spoiled it
 * for the code it interrupted. Not after a fault the kernel raised (a
 * handler that fixes the fault up and returns runs before the faulting
 * instruction again, which reads no errno of before), nor when the
 * handler raised its own signal again to end the process by it once it
 * returns (blocked in the handler, so pending now: a SIGTERM handler
 * that cleans up and re-raises). */
static bool spoils_errno(int sig, const siginfo_t *info)
{
    if (synchronous(sig, info))
        return false;
    sigset_t pending;
    int e = errno;
    bool again = sigpending(&pending) == 0 && sigismember(&pending, sig) == 1;
    errno = e;
    return !again;
}

/* The most frames of interrupted code a handler's stack gets on top of
 * the shadow stack (interrupted_frames), and how far the walk looks for
 * the shadow stack's top. */
enum { INTERRUPTED_MAX = 16, INTERRUPTED_WALK = 64 };
_Static_assert(sizeof(((struct crace_sig_frames *)0)->frames) / sizeof(uintptr_t) == INTERRUPTED_MAX,
               "the thread's cache of interrupted frames holds INTERRUPTED_MAX");

/* Runs the program's handler for sig. acquire: t is at a safe point and
 * the signal's clock can be acquired (a synchronous signal inside the
 * detector cannot take its locks). at[0..n): the interrupted code's
 * frames the shadow stack does not hold, outermost first: the handler's
 * callers in its stack. */
static void deliver(crace_thread *t, bool acquire, int sig, siginfo_t *info, void *uctx, const uintptr_t *at,
                    size_t n)
{
    struct sigaction act = user_act[sig];
    if (!is_handler(&act))
        return; /* the program set SIG_IGN or SIG_DFL since it arrived */
    if (act.sa_flags & SA_RESETHAND) {
        /* The kernel has reset the disposition already. */
        user_act[sig].sa_handler = SIG_DFL;
        user_act[sig].sa_flags &= ~SA_SIGINFO;
    }
    size_t frames = t && acquire ? n : 0;
    /* A handler synchronises whatever the code it interrupted ignores
     * (AnnotateIgnoreSyncBegin), as under ThreadSanitizer: it may hand
     * its work on with a release of its own. */
    uint32_t ignore_sync = t ? t->ignore_sync : 0;
    if (t)
        t->ignore_sync = 0;
    if (t && acquire)
        crace_acquire(t, (uintptr_t)&sig_clock[sig]);
    for (size_t i = 0; i < frames; i++)
        __tsan_func_entry((void *)at[i]);
    uintptr_t outer_frame = t ? t->handler_frame : 0;
    int outer_sig = t ? t->handler_sig : 0;
    if (t) {
        t->handler_frame = (uintptr_t)__builtin_frame_address(0);
        t->handler_sig = sig;
    }
    int before = errno;
    uintptr_t fn;
    if (act.sa_flags & SA_SIGINFO) {
        fn = (uintptr_t)act.sa_sigaction;
        act.sa_sigaction(sig, info, uctx);
    } else {
        fn = (uintptr_t)act.sa_handler;
        act.sa_handler(sig);
    }
    int after = errno;
    if (t) {
        t->handler_frame = outer_frame;
        t->handler_sig = outer_sig;
    }
    if (t && acquire && after != before && spoils_errno(sig, info))
        misuse_signal_errno(t, sig, fn, before, after, __atomic_load_n(&installed_at[sig], __ATOMIC_RELAXED));
    for (size_t i = 0; i < frames; i++)
        __tsan_func_exit();
    if (t)
        t->ignore_sync = ignore_sync;
}

void crace_signal_unsafe_call(crace_thread *t, const char *call, uintptr_t pc)
{
    int sig = t->handler_sig;
    if (!sig_valid(sig))
        return;
    const struct sigaction *act = &user_act[sig];
    uintptr_t fn = (act->sa_flags & SA_SIGINFO) ? (uintptr_t)act->sa_sigaction : (uintptr_t)act->sa_handler;
    misuse_signal_unsafe(t, call, sig, fn, __atomic_load_n(&installed_at[sig], __ATOMIC_RELAXED), pc);
}

void crace_signal_jump(crace_thread *t, uintptr_t sp)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (!(sp > here && sp < t->handler_frame)) {
        t->handler_frame = 0;
        t->handler_sig = 0;
    }
}

/* Where the program was when the signal interrupted it, as call sites for
 * the handler's stack, outermost first in out (INTERRUPTED_MAX): every
 * frame of the program's instrumented code between the interrupted
 * instruction and the innermost frame the shadow stack holds. The
 * interrupted instruction may lie in a library or the access check that
 * an instrumented function called (usleep, an atomic, __tsan_read8 linked
 * into the program): its caller is the frame to show, which no entry
 * pushed. Or in a function's prologue before its entry, or its epilogue
 * after its exit: then the shadow stack lacks the function's caller too.
 * The walk (libunwind, from the signal's context) stops where a return
 * address equals the shadow stack's top; when it never does (the shadow
 * stack is not this stack's: a thread attached mid-call), it keeps just
 * the interrupted instruction when it is the program's instrumented code,
 * as a return address (+ 1), else the program's call of raise, kill... in
 * progress on this thread. */
static size_t walk_interrupted(const crace_thread *t, void *uctx, uintptr_t ip, uintptr_t top,
                               uintptr_t out[INTERRUPTED_MAX])
{
    uintptr_t found[INTERRUPTED_MAX];
    size_t n = 0;
    unw_cursor_t c;
    int e = errno; /* libunwind's probes of memory may set it: the handler must see the interrupted code's */
    if (ip && top && unw_init_local2(&c, (unw_context_t *)uctx, UNW_INIT_SIGNAL_FRAME) == 0) {
        for (int step = 0; step < INTERRUPTED_WALK; step++) {
            unw_word_t pc;
            if (unw_get_reg(&c, UNW_REG_IP, &pc) != 0 || pc == 0)
                break;
            /* The first is the interrupted instruction, the rest return
             * addresses (as the shadow stack's entries are). */
            uintptr_t site = step == 0 ? (uintptr_t)pc + 1 : (uintptr_t)pc;
            if (step > 0 && site == top) {
                for (size_t i = 0; i < n; i++)
                    out[i] = found[n - 1 - i];
                errno = e;
                return n;
            }
            if (n < INTERRUPTED_MAX && !crace_pc_in_shim(pc) && crace_pc_instrumented(pc))
                found[n++] = site;
            if (unw_step(&c) <= 0)
                break;
        }
    }
    errno = e;
    if (ip && !crace_pc_in_shim(ip) && crace_pc_instrumented(ip))
        out[0] = ip + 1;
    else
        out[0] = t->signal_pc;
    return out[0] != 0;
}

/* walk_interrupted, or its last result on t when the signal interrupted
 * the same place with the same stack pointer and shadow stack: a walk
 * takes tens of microseconds, and an interval timer every 10 us at
 * threads that sleep (each signal interrupting the same system call)
 * kept them in their handlers for good. */
static size_t interrupted_frames(crace_thread *t, void *uctx, uintptr_t out[INTERRUPTED_MAX])
{
    uintptr_t ip = crace_ucontext_ip(uctx), sp = crace_ucontext_sp(uctx);
    uintptr_t top = t->depth ? t->shstack[t->depth - 1] : 0;
    struct crace_sig_frames *c = &t->sig_frames;
    if (sp && c->ip == ip && c->sp == sp && c->top == top && c->depth == t->depth && c->n) {
        memcpy(out, c->frames, c->n * sizeof(out[0]));
        return c->n;
    }
    size_t n = walk_interrupted(t, uctx, ip, top, out);
    if (sp && n) {
        *c = (struct crace_sig_frames){.ip = ip, .sp = sp, .top = top, .depth = t->depth, .n = (uint32_t)n};
        memcpy(c->frames, out, n * sizeof(out[0]));
    }
    return n;
}

static void defer(crace_thread *t, int sig, const siginfo_t *info)
{
    struct crace_sigctx *ctx = t->sigctx;
    if (!ctx) {
        /* mmap is async-signal-safe; the context lives as long as the
         * thread's record. */
        ctx = crace_mmap(sizeof(*ctx));
        t->sigctx = ctx;
    }
    ctx->info[sig] = *info;
    atomic_fetch_or(&ctx->pending, 1ull << (sig - 1));
    __atomic_fetch_or(&t->ignore, CRACE_IGNORE_SIGNAL, __ATOMIC_RELAXED);
    /* After the bit: see crace_thread_set_epoch. */
    __atomic_store_n(&t->want, CRACE_WANT_NONE, __ATOMIC_RELAXED);
}

static void wrapper(int sig, siginfo_t *info, void *uctx)
{
    int saved = errno;
    crace_thread *t = crace_cur;
    /* The fast path's function entry and exit raise no in_shim: where
     * they were interrupted is what says (access.h). */
    bool safe = t && safe_point(t) && !crace_pc_in_hist_text(crace_ucontext_ip(uctx));
    if (t && !synchronous(sig, info) && !safe)
        defer(t, sig, info);
    else if (safe) {
        uintptr_t at[INTERRUPTED_MAX];
        crace_busy++; /* another signal meanwhile waits: t->sig_frames is being read or written */
        size_t n = interrupted_frames(t, uctx, at);
        crace_busy--;
        deliver(t, true, sig, info, uctx, at, n);
    } else {
        deliver(t, false, sig, info, uctx, NULL, 0);
    }
    errno = saved;
}

/* With the mask the kernel would have set for the handler. */
static CRACE_NOINLINE void run_deferred(crace_thread *t, int sig, siginfo_t *info, uintptr_t at)
{
    sigset_t mask = user_act[sig].sa_mask, old;
    if (!(user_act[sig].sa_flags & SA_NODEFER))
        sigaddset(&mask, sig);
    pthread_sigmask(SIG_BLOCK, &mask, &old);
    ucontext_t uc;
    getcontext(&uc);
    deliver(t, true, sig, info, &uc, &at, at != 0);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void run_pending(crace_thread *t, uintptr_t at)
{
    if (!safe_point(t))
        return;
    __atomic_fetch_and(&t->ignore, ~CRACE_IGNORE_SIGNAL, __ATOMIC_RELAXED);
    crace_thread_set_epoch(t, t->epoch);
    struct crace_sigctx *ctx = t->sigctx;
    if (!ctx)
        return;
    int saved = errno;
    uint64_t pending;
    while ((pending = atomic_exchange(&ctx->pending, 0)) != 0) {
        for (int sig = 1; sig < SIG_MAX; sig++) {
            if (!(pending & (1ull << (sig - 1))))
                continue;
            siginfo_t info = ctx->info[sig];
            run_deferred(t, sig, &info, at);
        }
    }
    errno = saved;
}

void crace_signal_poll_from(crace_thread *t, uintptr_t pc)
{
    if (!crace_pc_in_shim(pc))
        run_pending(t, pc);
}

void signal_fork(enum crace_fork_phase phase)
{
    crace_fork_lock(&sig_lock, phase);
}

/* ---------------------------------------------------------------- handlers */

typedef int sigaction_fn(int, const struct sigaction *, struct sigaction *);

/* Installs act for sig (the program's view; NULL only asks) and returns
 * the previous one in old as the program set it. */
static int install(int sig, const struct sigaction *act, struct sigaction *old, sigaction_fn *real)
{
    crace_pc_in_shim(0); /* its bounds are known before a handler needs them */
    __atomic_store_n(&crace_signal_runner, run_pending, __ATOMIC_RELAXED);
    crace_lock(&sig_lock);
    struct sigaction before = user_act[sig], prev;
    int r;
    if (act && is_handler(act)) {
        struct sigaction k = *act;
        k.sa_sigaction = wrapper;
        k.sa_flags |= SA_SIGINFO;
        /* Published first: the signal may arrive as soon as the kernel
         * has the wrapper. */
        user_act[sig] = *act;
        r = real(sig, &k, &prev);
        if (r != 0)
            user_act[sig] = before;
    } else if (act && act->sa_handler == SIG_DFL && !(act->sa_flags & SA_SIGINFO) &&
               fatal_signal_guarded(sig)) {
        /* The default action, kept by the shim's stand-in for it: the
         * process still ends of the signal, after any finding being
         * written (fatal_signal.c). */
        struct sigaction k;
        fatal_signal_action(&k);
        k.sa_mask = act->sa_mask;
        r = real(sig, &k, &prev);
        if (r == 0)
            user_act[sig] = *act;
    } else {
        r = real(sig, act, &prev);
        if (r == 0 && act)
            user_act[sig] = *act;
    }
    /* The program's view: its own handler, never the wrapper, and SIG_DFL
     * for the shim's stand-in. */
    if (r == 0 && old)
        *old = ((prev.sa_flags & SA_SIGINFO) && prev.sa_sigaction == wrapper) || fatal_signal_is_ours(&prev)
                   ? before
                   : prev;
    crace_unlock(&sig_lock);
    return r;
}

/* A handler cannot run before it is installed: what the installing
 * thread did before happens before every run of it, from any signal's
 * source (a timer, another process), as ThreadSanitizer models it. The
 * handler's delivery acquires the signal's clock. */
static void installing(crace_thread *thr, int sig, const struct sigaction *act, uintptr_t pc)
{
    bool handler = (act->sa_flags & SA_SIGINFO) ? act->sa_sigaction != NULL
                                                : act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN;
    if (handler) {
        crace_release(thr, (uintptr_t)&sig_clock[sig]);
        /* Unlocked: a report reading it while another thread installs a
         * handler for the same signal shows either stack. */
        __atomic_store_n(&installed_at[sig], crace_current_stack(thr, pc), __ATOMIC_RELAXED);
    }
}

/* The old action is the caller's memory, written when the call succeeds:
 * checked as a write of the caller's, as intercept_libc_out.c checks the
 * results libc fills in (from instrumented code only; the caller found
 * before the call, so that errno stays the call's), after sig_lock is
 * let go (a report takes locks of the engine's). */
INTERCEPTOR(int, sigaction, int sig, const struct sigaction *act, struct sigaction *old)
{
    INTERCEPTOR_ENTER(sigaction, sig, act, old);
    crace_thread *caller = old ? crace_program_caller(CALLER_PC()) : NULL;
    int r;
    if (!sig_valid(sig)) {
        r = REAL(sigaction)(sig, act, old);
    } else {
        if (act)
            installing(thr, sig, act, CALLER_PC());
        r = install(sig, act, old, REAL(sigaction));
    }
    if (r == 0 && caller)
        crace_check_range(caller, old, sizeof(*old), true, CALLER_PC());
    return r;
}

/* glibc's signal(): BSD semantics, the signal itself blocked in its
 * handler and interrupted calls restarted. */
INTERCEPTOR(sighandler_t, signal, int sig, sighandler_t handler)
{
    INTERCEPTOR_ENTER(signal, sig, handler);
    if (!sig_valid(sig))
        return REAL(signal)(sig, handler);
    struct sigaction act = {.sa_handler = handler, .sa_flags = SA_RESTART}, old;
    sigemptyset(&act.sa_mask);
    sigaddset(&act.sa_mask, sig);
    installing(thr, sig, &act, CALLER_PC());
    if (install(sig, &act, &old, REAL(sigaction)) != 0)
        return SIG_ERR;
    return old.sa_handler;
}

/* ---------------------------------------------------------------- senders */

/* Sending sig publishes the sender's past to its receivers. A signal the
 * thread sends itself is handled inside the real call: its handler's
 * stack starts at the call (pc). */
static void sent(crace_thread *thr, int sig, uintptr_t pc)
{
    if (sig_valid(sig))
        crace_release(thr, (uintptr_t)&sig_clock[sig]);
    thr->signal_pc = pc;
}

void crace_signal_publish(crace_thread *t, int sig)
{
    if (sig_valid(sig))
        crace_release(t, (uintptr_t)&sig_clock[sig]);
}

static void received(crace_thread *thr, int sig)
{
    if (sig_valid(sig))
        crace_acquire(thr, (uintptr_t)&sig_clock[sig]);
}

INTERCEPTOR(int, kill, pid_t pid, int sig)
{
    INTERCEPTOR_ENTER(kill, pid, sig);
    sent(thr, sig, CALLER_PC());
    int r = REAL(kill)(pid, sig);
    thr->signal_pc = 0;
    return r;
}

INTERCEPTOR(int, tgkill, pid_t tgid, pid_t tid, int sig)
{
    INTERCEPTOR_ENTER(tgkill, tgid, tid, sig);
    sent(thr, sig, CALLER_PC());
    int r = REAL(tgkill)(tgid, tid, sig);
    thr->signal_pc = 0;
    return r;
}

INTERCEPTOR(int, pthread_kill, pthread_t th, int sig)
{
    INTERCEPTOR_ENTER(pthread_kill, th, sig);
    sent(thr, sig, CALLER_PC());
    int r = REAL(pthread_kill)(th, sig);
    thr->signal_pc = 0;
    return r;
}

INTERCEPTOR(int, raise, int sig)
{
    INTERCEPTOR_ENTER(raise, sig);
    sent(thr, sig, CALLER_PC());
    int r = REAL(raise)(sig);
    thr->signal_pc = 0;
    return r;
}

INTERCEPTOR(int, sigqueue, pid_t pid, int sig, const union sigval value)
{
    INTERCEPTOR_ENTER(sigqueue, pid, sig, value);
    sent(thr, sig, CALLER_PC());
    int r = REAL(sigqueue)(pid, sig, value);
    thr->signal_pc = 0;
    return r;
}

/* glibc's thread-directed sigqueue: a system call of its own, not through
 * sigqueue or pthread_kill. */
INTERCEPTOR(int, pthread_sigqueue, pthread_t th, int sig, const union sigval value)
{
    INTERCEPTOR_ENTER(pthread_sigqueue, th, sig, value);
    sent(thr, sig, CALLER_PC());
    int r = REAL(pthread_sigqueue)(th, sig, value);
    thr->signal_pc = 0;
    return r;
}

/* ---------------------------------------------------------------- waiters */

/*
 * pause and sigsuspend wait for a signal to be handled. One that arrived
 * while the thread was inside the detector was deferred: the kernel
 * counts it as handled, and its handler runs at this safe point, at the
 * start of the wait. The wait then returns as a wait interrupted by that
 * signal does (-1, EINTR), as if the signal had come a moment later:
 * waiting on would be waiting for another signal, which may never come (a
 * thread suspended from a handler until a second signal resumes it hung
 * when the second one landed in the detector).
 */
#define SIGNAL_WAIT_ENTER(name, ...)                                                   \
    crace_thread *self = crace_inited ? crace_cur : NULL;                             \
    bool deferred = self && !self->in_shim && (self->ignore & CRACE_IGNORE_SIGNAL);   \
    INTERCEPTOR_ENTER(name, __VA_ARGS__);                                             \
    if (deferred && !(thr->ignore & CRACE_IGNORE_SIGNAL)) {                            \
        errno = EINTR;                                                                 \
        return -1;                                                                     \
    }

INTERCEPTOR(int, pause, void)
{
    SIGNAL_WAIT_ENTER(pause);
    return REAL(pause)();
}

INTERCEPTOR(int, sigsuspend, const sigset_t *mask)
{
    SIGNAL_WAIT_ENTER(sigsuspend, mask);
    return REAL(sigsuspend)(mask);
}

INTERCEPTOR(int, sigwait, const sigset_t *set, int *sig)
{
    INTERCEPTOR_ENTER(sigwait, set, sig);
    int r = REAL(sigwait)(set, sig);
    if (r == 0)
        received(thr, *sig);
    return r;
}

INTERCEPTOR(int, sigwaitinfo, const sigset_t *set, siginfo_t *info)
{
    INTERCEPTOR_ENTER(sigwaitinfo, set, info);
    int r = REAL(sigwaitinfo)(set, info);
    if (r > 0)
        received(thr, r);
    return r;
}

INTERCEPTOR(int, sigtimedwait, const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
    INTERCEPTOR_ENTER(sigtimedwait, set, info, timeout);
    int r = REAL(sigtimedwait)(set, info, timeout);
    if (r > 0)
        received(thr, r);
    return r;
}
