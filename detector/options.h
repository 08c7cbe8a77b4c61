/*
 * options.h: the detector's run-time options (CRACE_OPTIONS) and where its
 * output goes.
 *
 * Every option is defined once, in options.inc; this header expands that
 * list into struct crace_options (BOOL -> bool, INT -> long, STRING and
 * PATH -> const char *). crace_opts holds the values in force: the defaults from
 * the list until options_init() has parsed CRACE_OPTIONS, and never
 * written afterwards, so any thread may read it without a lock.
 */
#ifndef CRACE_OPTIONS_H
#define CRACE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "options.inc"

#define CRACE_OPTION_CTYPE_BOOL bool
#define CRACE_OPTION_CTYPE_INT long
#define CRACE_OPTION_CTYPE_STRING const char *
#define CRACE_OPTION_CTYPE_PATH const char *

struct crace_options {
#define CRACE_OPTION_FIELD(type, name, def, help) CRACE_OPTION_CTYPE_##type name;
    CRACE_OPTIONS_LIST(CRACE_OPTION_FIELD)
#undef CRACE_OPTION_FIELD
};

extern struct crace_options crace_opts;

/* Sets every option of o to its default. */
void options_set_defaults(struct crace_options *o);

/*
 * Parses text, `key=value` pairs separated by spaces (any white space) or
 * colons, into o. A value may be quoted with '...' or "..." to contain
 * separators. A key given twice takes its last value. Returns 0; or -1
 * with o unchanged and a message naming the key and value in err (never
 * longer than errlen - 1). String values are copied (crace_alloc), so text
 * need not outlive the call.
 */
int options_parse(struct crace_options *o, const char *text, char *err, size_t errlen);

/* Reads CRACE_OPTIONS into crace_opts; a bad setting is fatal (exit 1,
 * before main). Call once, before any other part reads crace_opts. */
void options_init(void);

/* Every option with its type, default and help: `crace run --help`. */
void options_print_help(int fd);
/* The same as a markdown table, for docs/options.md. */
void options_print_markdown(int fd);

/*
 * output.c: the report stream selected by log_path (crace_write,
 * crace_printf and crace_fatal are declared in rt.h).
 *
 * output_init, called once after options_init, opens the log file now
 * when log_path is a path prefix, so that an unwritable path stops the
 * program before main instead of losing the first report.
 *
 * output_after_fork_child runs in the child of a fork (output_fork, one
 * of the fork hooks of fork.h, calls it): it forgets the parent's log
 * file (the child writes its own PREFIX.PID) and frees the output lock,
 * which the forking thread held across the fork. Even without it the
 * child opens its own file on its first write (the pid is compared), but
 * it would block on a lock nobody will release.
 */
void output_init(void);
void output_after_fork_child(void);
/* Writes all n bytes to fd (retrying partial writes and EINTR), without
 * touching errno; for text that is not a report, such as the help, and
 * for crace's own files. */
void output_write_fd(int fd, const char *s, size_t n);
/* The same to a standard descriptor (1 or 2), unless it names a file the
 * program opened for itself after closing that stream
 * (output_std_fd_ours): the text is dropped then. */
void output_write_std(int fd, const char *s, size_t n);
/* The program pointed its descriptor fd (1 or 2) at another file, on
 * purpose (dup2, dup3, dup, fcntl's F_DUPFD, freopen): reports to that
 * standard stream follow it. Any other fd: nothing. */
void output_std_redirected(int fd);
/* fd (1 or 2) still names the file the process started with, or was
 * pointed at since (output.c): not a file the program opened for itself
 * after closing it. True for any other fd. No lock: a signal handler may
 * ask. */
bool output_std_fd_ours(int fd);

#endif /* CRACE_OPTIONS_H */
