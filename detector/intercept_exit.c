/*
 * intercept_exit.c: the end of a run: goroutine leaks, the summary
 * ("Found N data race(s)") and the exit status.
 *
 * A program that would exit 0 after findings exits with `exitcode` (66),
 * as under Go's -race. main's return value is seen by wrapping main
 * through __libc_start_main (libc calls exit() internally, past any
 * interceptor); explicit exit() calls are intercepted.
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

/* The program's final status once findings are counted. */
static int final_status(int status)
{
    static _Atomic bool done;
    if (atomic_exchange(&done, true))
        return status;
    crace_thread *t = crace_cur;
    if (t)
        t->in_shim++;
    /* Settled first: a goroutine still running may yet find a race, or
     * block for good. */
    dl_settle_at_exit();
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

static int main_wrapper(int argc, char **argv, char **envp)
{
    return final_status(real_main(argc, argv, envp));
}

INTERCEPTOR(int, __libc_start_main, int (*main)(int, char **, char **), int argc, char **argv,
            void (*init)(void), void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
    crace_init();
    real_main = main;
    return REAL(__libc_start_main)(main_wrapper, argc, argv, init, fini, rtld_fini, stack_end);
}

INTERCEPTOR(void, exit, int status)
{
    if (crace_inited)
        status = final_status(status);
    REAL(exit)(status);
    __builtin_unreachable();
}

/* main() ended with pthread_exit: the process ends when its last thread
 * does, and that thread calls exit(0) inside the C library, past the exit
 * interceptor and main's wrapper. The shim's destructor, run by that
 * exit after the program's own, sums up then; the status was 0, so it
 * becomes 66 when something was found (stdio flushed first, as exit would
 * have). */
static _Atomic bool main_ended;

void crace_exit_main_ended(void)
{
    atomic_store(&main_ended, true);
}

__attribute__((destructor)) static void crace_exit_fini(void)
{
    if (!crace_inited || !atomic_load(&main_ended))
        return;
    int status = final_status(0);
    if (status != 0) {
        fflush(NULL);
        _exit(status);
    }
}
