/*
 * run_descendants.h: the processes of a `crace run` that outlive COMMAND
 * (a test script's `./server &`, a daemon, a harness that does not reap):
 * crace adopts them as their subreaper, waits for them once COMMAND has
 * ended so that what they find counts, and names those still running when
 * it stops waiting, or ends them (docs/ci.md, "Processes left running").
 */
#ifndef CRACE_RUN_DESCENDANTS_H
#define CRACE_RUN_DESCENDANTS_H

#include <stdbool.h>
#include <stddef.h>

/* Seconds between --kill-descendants' SIGTERM and its SIGKILL: longer
 * than the 2 s for which the detector holds SIGTERM back while it
 * finishes a record (WAIT_MS in detector/fatal_signal.c), so that none
 * is cut. */
#define RUN_TERM_WAIT 3

/* A process of the run, as the summary names it. */
struct run_process {
    int pid;
    char *command; /* its executable, then its arguments */
    bool sigkill;  /* ended with SIGKILL: SIGTERM did not end it in time */
};

/* What became of the processes COMMAND left running. */
struct run_leftovers {
    double waited;   /* seconds crace waited for them after COMMAND ended */
    bool end_them;   /* --kill-descendants: those still running were to be ended */
    int interrupted; /* the signal that cut the wait short, or 0 */
    /* Still running after the wait, then ended by crace (end_them). */
    struct run_process *ended;
    size_t n_ended;
    /* Still running as crace ends: what they find from now on is lost. */
    struct run_process *running;
    size_t n_running;
    bool unlisted; /* some are still running, but /proc could not list them */
};

/*
 * Makes crace the reaper of every orphan of the run, before COMMAND
 * starts (PR_SET_CHILD_SUBREAPER): a process whose parent ends is then
 * reparented to crace instead of init, so crace can wait for it. False,
 * after saying why, when the kernel refuses: such processes then go
 * unwaited, as before.
 */
bool run_descendants_adopt(void);

/*
 * Once COMMAND has ended (crace_spawn reaped it): waits up to `seconds`
 * for every descendant of crace to end, reaping each as it does; stops
 * early when none is left or when SIGHUP, SIGINT, SIGQUIT or SIGTERM
 * arrives (unless ignored). Then, when end_them, sends SIGTERM to every
 * descendant still running, and SIGKILL to those that outlive it. Fills
 * *out; run_leftovers_free releases it.
 */
void run_descendants_wait(double seconds, bool end_them, struct run_leftovers *out);

void run_leftovers_free(struct run_leftovers *l);

#endif /* CRACE_RUN_DESCENDANTS_H */
