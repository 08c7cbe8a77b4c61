/*
 * init.c: the shim's start: options, output, tables and the main thread,
 * before main() runs (intercept_exit.c has its end).
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

#include "exec_env.h"
#include "exec_target.h"
#include "fatal_signal.h"
#include "module.h"
#include "openmp.h"
#include "options.h"
#include "report_json.h"
#include "shadow.h"
#include "suppress.h"
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
    /* Before the program can change its environment: what the programs
     * it starts must be given (exec_env.h). */
    exec_env_init();
    exec_target_init();
    crace_refuse_sanitizer_runtime();
    /* A file that cannot be read or has a bad line stops the program
     * before main, as a bad option does: running on with some rules
     * missing would report findings already triaged, and hide the typo. */
    if (crace_opts.suppressions[0] && !suppress_load(crace_opts.suppressions))
        _exit(1);
    /* The tables before the output files: a process that cannot map
     * them (an address-space limit) stops here, and leaves no report
     * file to be counted as a process that ran under the detector. */
    shadow_init();
    sync_init();
    output_init();
    report_json_init();
    crace_openmp_init();
    crace_inited = true;
    crace_thread_attach(); /* the main thread: goroutine 1 */
    /* Before the program can install handlers of its own. */
    fatal_signal_init();
    atomic_store(&init_state, 2);
}

__attribute__((constructor(101))) static void crace_ctor(void)
{
    crace_init();
}

