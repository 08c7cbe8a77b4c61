/*
 * init.c: the shim's start and end: options, tables and the main thread
 * before main() runs; the summary and the exit status after it.
 *
 * The exit status: a program that would exit 0 after findings exits with
 * `exitcode` (66), as under Go's -race. main's return value is seen by
 * wrapping main through __libc_start_main (libc calls exit() internally,
 * past any interceptor); explicit exit() calls are intercepted.
 */
#include <stdlib.h>

#include "deadlock.h"
#include "intercept.h"
#include "options.h"
#include "report.h"
#include "shadow.h"
#include "sync.h"
#include "thread.h"

bool crace_inited;
static _Atomic int init_state; /* 0 not started, 1 running, 2 done */

void crace_init(void)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&init_state, &expected, 1))
        return; /* done, or under way on this thread (re-entered) */
    options_init();
    output_init();
    shadow_init();
    sync_init();
    crace_inited = true;
    crace_thread_attach(); /* the main thread: goroutine 1 */
    atomic_store(&init_state, 2);
}

__attribute__((constructor(101))) static void crace_ctor(void)
{
    crace_init();
}

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
