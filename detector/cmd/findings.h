/*
 * findings.h: what `crace report` reads and its renderers share: the
 * findings of a run, merged across the processes that reported them, and
 * helpers to walk a record (docs/report-format.md defines the records).
 *
 * A finding is the first record read for its (kind, dedup_key); every
 * later record with the same pair only adds to its counts. Renderers get
 * the findings in the order they were first read (files in the order of
 * the command line, a directory's files in name order).
 */
#ifndef CRACE_FINDINGS_H
#define CRACE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "json.h"
#include "report.h"

/* The version of the records this reader understands. */
#define FINDINGS_SCHEMA "crace-report/1"

/* Exit status of `crace report` when it found something: the detector's
 * default exitcode (detector/options.inc), so both gates agree. */
enum { FINDINGS_EXIT = 66 };

/* A process that reported a finding: (pid, executable) tells processes
 * apart. */
struct finding_process {
    long long pid;
    char *executable;
    /* How it was counted: by a record of its own, by a record crace
     * report merged before, or both (the merged record may count the
     * other one again: findings.twice). */
    bool raw, merged;
};

struct finding {
    struct json *record;         /* the first record read, owned */
    enum report_kind kind;       /* REPORT_KIND_COUNT: a kind this crace does not know */
    const char *kind_name;       /* record's "kind" */
    const char *title;           /* record's "title" */
    const char *message;         /* record's "message" */
    const char *text;            /* record's "text" */
    const char *dedup_key;       /* record's "dedup_key" */
    unsigned long long occurrences; /* records merged into this one (>= 1) */
    struct finding_process *procs;  /* distinct processes, in order seen */
    size_t n_procs;
};

/* A file read, by identity: the same file reached twice (`crace report
 * DIR DIR/x.jsonl`, a symbolic link) is read once. */
struct findings_file {
    dev_t dev;
    ino_t ino;
};

struct findings {
    struct finding *v;
    size_t n, cap;
    size_t *index; /* open-addressing hash of (kind, dedup_key) -> v index + 1 */
    size_t index_cap;
    struct findings_file *read; /* the regular files read so far */
    size_t n_read;
    size_t files;   /* files read */
    size_t records; /* valid records read */
    size_t skipped; /* lines skipped as corrupt or truncated */
    /* Findings that a process counted both by a record of its own and by
     * a merged record that names it: most likely a merged file read
     * beside the records it was made from, counted twice. */
    size_t twice;
};

/*
 * Reads FILE (any name) or every *.jsonl under DIRECTORY (recursively, in
 * name order) into fs, warning on stderr about each line it skips
 * ("crace report: FILE:LINE: skipped: WHY"). A file already read into fs
 * (same device and inode) is not read again. Under a DIRECTORY, records
 * an earlier `crace report --format json` merged (with a "merged" member)
 * are skipped, with a note naming their file: they count records that
 * lie beside them (`-o DIR/merged.jsonl DIR`); named as a FILE, they are
 * read, and fs->twice counts the findings a process then counted both
 * ways. Returns false when path cannot be read at all (a usage error: it
 * was named on the command line).
 */
bool findings_read_path(struct findings *fs, const char *path);
void findings_free(struct findings *fs);

/* The number of findings of kind k (REPORT_KIND_COUNT: of unknown kinds). */
size_t findings_count(const struct findings *fs, enum report_kind k);

/* "no findings", or "found 2 data race(s), 1 deadlock(s)" in Go's words
 * (the kinds' titles in lower case), without a line break. */
void findings_print_counts(FILE *out, const struct findings *fs);

/* The kinds, from REPORT_KINDS (report.h): json name and title. */
const char *finding_kind_name(enum report_kind k);
const char *finding_kind_title(enum report_kind k);
/* How serious a kind is, as SARIF levels it ("error" or "warning"): what
 * ended or can end the program is an error. The HTML page uses it too. */
const char *finding_kind_level(enum report_kind k);

/* ------------------------------------------------ walking a record */

/* A stack is an array of frame objects, innermost first. The frame's
 * fields, NULL / 0 when absent. */
const char *frame_function(const struct json *frame);
const char *frame_file(const struct json *frame);
long long frame_line(const struct json *frame);
long long frame_column(const struct json *frame);

/*
 * The frame of stack that best places a finding in the sources: the
 * innermost frame with a file under the current directory (the project),
 * else the innermost frame with a file, else NULL.
 */
const struct json *stack_primary_frame(const struct json *stack);

/* The access of role "current" / "previous" of a record, or NULL. */
const struct json *record_access(const struct json *record, const char *role);

/*
 * The frame that places the whole finding: for a data race the current
 * access's primary frame; otherwise that of the first stack in "stacks"
 * that has one. NULL when no stack has a file.
 */
const struct json *record_primary_frame(const struct json *record);

/* ------------------------------------------------ paths */

/*
 * file as a path relative to the current directory when it lies under it
 * ("src/a.c"), else the path itself, normalised ("." and ".." folded,
 * repeated slashes removed). Relative input is taken as relative to the
 * current directory. The caller frees the result.
 */
char *path_display(const char *file);
/* True when file lies under the current directory. */
bool path_in_project(const char *file);
/* True when the name s ends with suffix (".jsonl"). */
bool path_has_suffix(const char *s, const char *suffix);

#endif /* CRACE_FINDINGS_H */
