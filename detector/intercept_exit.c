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
#include <stdlib.h>

#include "deadlock.h"
#include "intercept.h"
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
    dl_check_leaks();
    report_print_summary();
    if (t)
        t->in_shim--;
    return report_exit_status(status);
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
