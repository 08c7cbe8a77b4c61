/*
 * intercept_fork.c: fork() and vfork(), so that the child of a fork starts
 * with a consistent detector (fork.h has the guarantee and the hooks).
 *
 * Where the locks are taken. glibc's fork() runs the pthread_atfork
 * prepare handlers, last registered first, then takes its own locks
 * (stdio, the malloc arenas), forks, frees them, and runs the parent or
 * child handlers, first registered first. The program's handlers lock and
 * unlock its mutexes through the interceptors, which need the detector's
 * locks; so the detector must take its locks after the program's prepare
 * handlers and free them before the program's parent and child handlers.
 * Registering the detector's handlers at start-up, before any code of the
 * program runs, gives exactly that: its prepare runs last and its parent
 * and child first. The usual pattern (prepare locks m, parent and child
 * unlock it) is then seen as the forking thread locking m before the
 * fork and unlocking it on both sides: nothing to report. glibc's own
 * locks come after all of the detector's, the order the detector already
 * has when it allocates under one of its locks.
 *
 * From the detector's prepare to its parent or child handler, the forking
 * thread holds every detector lock: it is inside the shim (in_shim, so a
 * signal arriving then is deferred, see intercept_signal.c) and its
 * accesses are not checked (ignore).
 *
 * vfork() is fork() here, as in ThreadSanitizer: a vfork child borrows its
 * parent's memory and thread until it calls exec or _exit, and anything
 * the detector did in it (a report, a lock taken, the thread's clock)
 * would change the parent's state. A correct vfork child calls only exec
 * or _exit, which a forked child does just as well. posix_spawn() and
 * system() start their child with glibc's internal clone, which runs no
 * interceptor; the child execs at once, and the shim starts afresh in the
 * new program (LD_PRELOAD is inherited).
 */
#include <unistd.h>

#include "fork.h"
#include "intercept.h"
#include "intercept_signal.h"
#include "symbolize.h"
#include "thread.h"

static void (*const hooks[])(enum crace_fork_phase) = {
#define FORK_HOOK_PTR(name) name,
    CRACE_FORK_HOOKS(FORK_HOOK_PTR)
#undef FORK_HOOK_PTR
};
enum { N_HOOKS = sizeof(hooks) / sizeof(hooks[0]) };

void symbolize_fork(enum crace_fork_phase phase)
{
    switch (phase) {
    case CRACE_FORK_PREPARE:
        gc_symbolize_fork_lock();
        break;
    case CRACE_FORK_PARENT:
        gc_symbolize_fork_unlock();
        break;
    case CRACE_FORK_CHILD:
        gc_symbolize_fork_reset();
        break;
    }
}

static void fork_prepare(void)
{
    crace_thread *t = crace_thr();
    t->in_shim++;
    t->ignore++;
    for (int i = 0; i < N_HOOKS; i++)
        hooks[i](CRACE_FORK_PREPARE);
}

/* Both sides release in the reverse order and leave the shim; a signal
 * deferred meanwhile runs when fork() returns to the program. */
static void fork_after(enum crace_fork_phase phase)
{
    for (int i = N_HOOKS - 1; i >= 0; i--)
        hooks[i](phase);
    crace_thread *t = crace_cur;
    t->ignore--;
    t->in_shim--;
}

static void fork_parent(void)
{
    fork_after(CRACE_FORK_PARENT);
}

static void fork_child(void)
{
    fork_after(CRACE_FORK_CHILD);
}

/* A constructor of the preloaded shim runs before any code of the
 * program, so the detector's handlers are registered first. */
__attribute__((constructor(101))) static void crace_fork_init(void)
{
    if (pthread_atfork(fork_prepare, fork_parent, fork_child) != 0)
        crace_fatal("cannot register the detector's fork handlers");
}

/* The handlers need the forking thread's record: a thread the shim has
 * not seen yet gets one here, before any detector lock is taken. A signal
 * that arrived while the handlers held the locks runs on the way out. */
INTERCEPTOR(pid_t, fork, void)
{
    crace_thread *t = crace_inited ? crace_thr() : NULL;
    pid_t pid = REAL(fork)();
    if (t && CRACE_UNLIKELY(t->ignore & CRACE_IGNORE_SIGNAL))
        crace_signal_poll_from(t, CALLER_PC());
    return pid;
}

CRACE_EXPORT pid_t vfork(void)
{
    return fork();
}
