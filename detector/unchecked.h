/*
 * unchecked.h: programs started by a process under the detector that
 * will run without it (unchecked.c): said on the report stream and
 * recorded for `crace run`'s summary, so that a run does not pass them
 * off as checked.
 */
#ifndef CRACE_UNCHECKED_H
#define CRACE_UNCHECKED_H

/*
 * Judges the program an exec of path (as execveat(2) takes dirfd, path
 * and at_flags) with arguments argv will run (exec_target.h); when it
 * will run unchecked, says so once per file in this process, naming it
 * as the caller did, and appends a record to PREFIX.PID.unchecked when
 * json_path is set. Allocates nothing from the program's heap and leaves
 * errno alone: a vfork child may call it.
 */
void unchecked_check(int dirfd, const char *path, int at_flags, char *const argv[]);

/* The same for execvp(3) and posix_spawnp(3): file searched in this
 * process's PATH, as they search it. */
void unchecked_check_search(const char *file, char *const argv[]);

#endif /* CRACE_UNCHECKED_H */
