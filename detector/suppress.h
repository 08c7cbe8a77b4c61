/*
 * suppress.h: suppression files (the suppressions option): rules that
 * silence known findings, in ThreadSanitizer's format.
 *
 * One rule per line, TYPE:PATTERN; blank lines and lines whose first
 * non-blank character is '#' are skipped, white space around the line, the
 * type and the pattern is ignored. TYPE says which findings a rule covers:
 *
 *     race             data races
 *     deadlock         deadlocks (all asleep, wait cycles) and lock-order
 *                      inversions (potential deadlocks)
 *     leak             goroutine leaks
 *     misuse           misuse of a primitive, busy select loops
 *     called_from_lib  any finding
 *
 * A rule matches a finding of a kind it covers when its pattern matches
 * the function, the source file (as printed, and in full) or the module
 * (executable or shared library path) of any frame of any stack the
 * report prints, or, for a data race on a global, the global's name. A
 * called_from_lib rule looks at the modules of the first stack only: the
 * code that made the finding (the current access of a race, the goroutine
 * that misused an object), not wherever the library appears further down
 * or in a creation stack, which would silence far more than "findings in
 * that library". Frames reports leave out (the C library's start-up,
 * crace's own) never match.
 *
 * Patterns are ThreadSanitizer's: '*' matches any run of characters, a
 * leading '^' anchors at the start and a trailing '$' at the end; an
 * unanchored pattern may match anywhere (a substring).
 *
 * The rules are loaded once, before main, and only read afterwards, so
 * findings reported concurrently match without a lock; hit counters are
 * atomics.
 */
#ifndef CRACE_SUPPRESS_H
#define CRACE_SUPPRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "fork.h"
#include "report.h"

/* Reads the rules of the file at path. A relative path not found in the
 * current directory is tried next to the executable (as ThreadSanitizer
 * does: a test run from another directory still finds its file). Returns
 * false after printing "crace: ..." to stderr for an unreadable file or
 * each bad line (file:line, what is wrong, what was expected); the caller
 * stops the program. Call before any thread reports; a second call
 * replaces the rules and their counts. */
bool suppress_load(const char *path);

/* True when rules are loaded: findings must then be built as data (with
 * their stacks) even when no JSON record is written. */
bool suppress_enabled(void);

/* True when a rule matches f: the rule's hits and the process's count go
 * up, and f must not be printed, written or counted. Symbolizes f's
 * stacks; report time only. */
bool suppress_finding(const struct crace_finding *f);

/* Findings suppressed so far in this process. */
uint64_t suppress_count(void);

/* Zeroes the counts (suppress_count and every rule's hits): a forked
 * child counts its own findings only. */
void suppress_reset_counts(void);

/* Calls fn for every rule, in file order: the file read, the rule's line
 * there, its text ("race:worker", white space removed) and its hits. */
void suppress_foreach(void (*fn)(const char *file, unsigned line, const char *rule, uint64_t hits, void *arg),
                      void *arg);

/* Memory the program says it races on by design (AnnotateBenignRaceSized,
 * tsan_annotate.c): a race whose first common byte lies in
 * [addr, addr + size) is not reported, nor counted as suppressed. */
void suppress_benign_add(uintptr_t addr, size_t size);
bool suppress_benign(uintptr_t addr);
/* Across fork: the lock of that list (report_fork calls it). */
void suppress_fork(enum crace_fork_phase phase);

/* True when pattern matches s (the syntax above). For tests. */
bool suppress_match(const char *pattern, const char *s);

#endif /* CRACE_SUPPRESS_H */
