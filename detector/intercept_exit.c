/*
 * intercept_exit.c: the end of a run: goroutine leaks, the summary
 * ("Found N data race(s)") and the exit status.
 *
 * A program that would exit 0 after findings exits with `exitcode` (66),
 * as under Go's -race. The reckoning comes last of all the process's exit
 * handlers: after the program's atexit handlers and the destructors of the
 * program and of every library (_dl_fini), which may still join threads
 * (libuv joins its thread pool in a destructor, a C++ global pool object
 * in its own) or race. It is an exit handler registered before
 * __libc_start_main registers _dl_fini's, so it runs after it; stdio is
 * flushed after it, by exit. Goroutines still running get their time to
 * settle before the handlers (settle_once). The status exit was given is
 * kept from main's return (main is wrapped through __libc_start_main:
 * libc calls exit() internally, past any interceptor) or from the exit()
 * call; a main that ended with pthread_exit leaves the last thread to
 * call exit(0). _exit, quick_exit and a fatal signal skip exit handlers,
 * and the reckoning with them.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "deadlock.h"
#include "intercept.h"
#include "misuse.h"
#include "process_end.h"
#include "report.h"
#include "thread.h"

/* Goroutines still running get their time to block or end (a goroutine
 * still running may yet find a race, or block for good) when main
 * returns or exit is called, before the exit handlers: while the
 * libraries they may use are whole. Waiting after the destructors would
 * leave a busy goroutine up to 200 ms to run into a destroyed object, a
 * crash the program never has natively, where the process ends at once.
 * Once; a main that ended with pthread_exit has it at the very end,
 * where no other goroutine is left. */
static void settle_once(void)
{
    static _Atomic bool settled;
    if (!crace_inited || atomic_exchange(&settled, true))
        return;
    crace_thread *t = crace_cur;
    if (t)
        t->in_shim++;
    dl_settle_at_exit();
    if (t)
        t->in_shim--;
}

/* The program's final status once findings are counted. */
static int final_status(int status)
{
    static _Atomic bool done;
    if (atomic_exchange(&done, true))
        return status;
    settle_once();
    crace_thread *t = crace_cur;
    if (t)
        t->in_shim++;
    if (t && t->annotated_ignores)
        misuse_exit_ignoring(t);
    report_wait_builders();
    dl_check_leaks();
    report_print_summary();
    status = report_exit_status(status);
    process_end_write(status);
    if (t)
        t->in_shim--;
    return status;
}

static int (*real_main)(int, char **, char **);
static _Atomic int exit_status; /* the status exit() was given first */
static _Atomic bool exit_seen;

static void note_exit_status(int status)
{
    bool no = false;
    if (atomic_compare_exchange_strong(&exit_seen, &no, true))
        atomic_store(&exit_status, status);
}

/* The last exit handler (see the top of the file). A status that has to
 * change (findings, and the program would have exited 0) ends the
 * process here, once stdio is flushed, as exit would have. */
static void at_process_end(void *arg)
{
    (void)arg;
    if (!crace_inited)
        return;
    int pending = atomic_load(&exit_status);
    int status = final_status(pending);
    if (status != pending) {
        fflush(NULL);
        _exit(status);
    }
}

static int main_wrapper(int argc, char **argv, char **envp)
{
    int status = real_main(argc, argv, envp);
    note_exit_status(status);
    settle_once();
    return status;
}

extern int __cxa_atexit(void (*fn)(void *), void *arg, void *dso);

INTERCEPTOR(int, __libc_start_main, int (*main)(int, char **, char **), int argc, char **argv,
            void (*init)(void), void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
    crace_init();
    /* Not bound to a module (no dso handle): run by exit itself, in
     * reverse order of registration, so after _dl_fini, which the real
     * __libc_start_main registers next. */
    if (__cxa_atexit(at_process_end, NULL, NULL) != 0)
        crace_fatal("cannot register the detector's exit handler");
    real_main = main;
    return REAL(__libc_start_main)(main_wrapper, argc, argv, init, fini, rtld_fini, stack_end);
}

INTERCEPTOR(void, exit, int status)
{
    note_exit_status(status);
    settle_once();
    REAL(exit)(status);
    __builtin_unreachable();
}
