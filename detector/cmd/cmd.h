/*
 * cmd.h: what the parts of the `crace` command share: the subcommand list,
 * where the libraries are, running a child process, and memory helpers
 * that cannot fail silently.
 */
#ifndef CRACE_CMD_H
#define CRACE_CMD_H

#include <stdbool.h>
#include <stddef.h>

#ifndef CRACE_VERSION
#define CRACE_VERSION "0.1.0"
#endif

/* Exit status of crace's own usage errors (DESIGN.md section 2). */
enum { CRACE_EXIT_USAGE = 1 };

/* The shell's statuses for a command that is missing or cannot run. */
enum { CRACE_EXIT_NOT_FOUND = 127, CRACE_EXIT_NOT_EXECUTABLE = 126 };

/*
 * Every subcommand: X(name, summary). Expanded for the dispatch table and
 * `crace --help`. cmd_<name>(argc, argv) gets argv[0] == "<name>" and
 * returns the exit status; cmd_<name>_help() prints its own usage.
 */
#define CRACE_COMMANDS(X)                                                           \
    X(cc, "compile and link like cc, instrumented for the detector (`crace cc -o t t.c`)") \
    X(run, "run a program with the detector preloaded (`crace run ./t args...`)") \
    X(report, "merge a run's JSON findings into text, json, sarif, junit or html")

#define CRACE_DECLARE_COMMAND(name, summary) \
    int cmd_##name(int argc, char **argv);   \
    void cmd_##name##_help(void);
CRACE_COMMANDS(CRACE_DECLARE_COMMAND)
#undef CRACE_DECLARE_COMMAND

/* The libraries, by file name inside the library directory. */
#define CRACE_SHIM_NAME "libcrace.so"
#define CRACE_STUB_NAME "libcrace_stub.so"
#define CRACE_FAST_NAME "libcrace_fast.a"

/*
 * The absolute, canonical directory holding crace's libraries:
 * $CRACE_LIBDIR when set, else ../lib next to the running executable
 * (build/bin -> build/lib, PREFIX/bin -> PREFIX/lib). Prints an error and
 * returns NULL when it does not exist.
 */
const char *crace_libdir(void);

/*
 * The absolute path of library `name` inside crace_libdir(), or NULL after
 * an error message naming the missing path. The caller frees it.
 */
char *crace_library(const char *name);

/* The canonical path of the running crace executable, or NULL. */
const char *crace_self_exe(void);

/*
 * Runs argv[0], searched in PATH as execvp(3) does, and waits for it.
 * Returns its status as a shell reports it: the exit status, or 128+N
 * when signal N killed it (N in *signal too, when signal is not NULL; 0
 * when it exited). Returns -1 with errno set when it could not be
 * started (ENOENT: not found; EACCES: not executable). Other children of
 * crace that end meanwhile (orphans adopted by crace run) are reaped, and
 * their statuses dropped.
 *
 * Signals that someone sends to crace itself with kill(2) (timeout(1), a
 * CI runner) are passed on to the child; terminal signals are not, since
 * the child, in the same foreground process group, gets those anyway.
 */
int crace_spawn(char *const argv[], int *signal);

/* The whole file at path, NUL-terminated, its length in *len (when len is
 * not NULL); NULL with errno set when it cannot be read. The caller frees
 * it. */
char *crace_read_file(const char *path, size_t *len);

/* A growable NULL-terminated argument vector. */
typedef struct {
    char **v;   /* v[n] == NULL */
    size_t n;
    size_t cap;
} crace_argv;

/* Appends s itself, not a copy: s must outlive the vector. */
void crace_argv_push(crace_argv *a, const char *s);
void crace_argv_free(crace_argv *a);

/* Allocation that cannot fail silently: on exhaustion, message and exit. */
void *crace_xmalloc(size_t n);
void *crace_xrealloc(void *p, size_t n);
char *crace_xstrdup(const char *s);
/* asprintf that exits on failure. */
char *crace_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* CRACE_CMD_H */
