/*
 * run_summary.h: the end of `crace run`: read the files that this run's
 * processes left in the report directory, print the summary, and decide
 * the run's exit status (docs/ci.md has the table).
 */
#ifndef CRACE_RUN_SUMMARY_H
#define CRACE_RUN_SUMMARY_H

#include <stdbool.h>

#include "run_descendants.h"

struct run_summary_input {
    const char *dir;    /* the report directory, absolute */
    const char *run_id; /* this run's files: dir/RUN_ID.PID.jsonl and .process.json */
    const char *shown_dir; /* dir as the user should type it in the summary */
    const char *command; /* COMMAND as given */
    /* COMMAND's file when it runs without the detector (crace started it,
     * so no shim judged it), with why; else NULL. */
    const char *command_unchecked;
    const char *command_unchecked_why;
    int status;         /* COMMAND's status, as a shell reports it */
    int signal;         /* the signal that killed COMMAND, or 0 */
    long exitcode;      /* the status for "something was found" (exitcode option) */
    bool quiet;         /* no summary, only the status */
    /* The processes COMMAND left running: waited for, ended, or still
     * running (NULL: none were looked for). */
    const struct run_leftovers *leftovers;
};

/*
 * Prints the summary on stderr (unless quiet) and returns the run's exit
 * status: exitcode when any process of the run reported a finding that
 * was not suppressed (unless exitcode is 0 and COMMAND failed: its status
 * then stands); else COMMAND's status, except that a COMMAND that
 * exited 0 without any process running under the detector gives 1 (a
 * static binary: nothing was checked). Programs that ran without the
 * detector while others ran under it (RUN.PID.unchecked) are listed, and
 * leave the status alone (docs/ci.md says why), and so do processes
 * still running at the end, which the summary names; but a run whose
 * wait for them signal N interrupted does not pass: 128+N instead of 0.
 */
int run_summary(const struct run_summary_input *in);

#endif /* CRACE_RUN_SUMMARY_H */
