/*
 * cmd_report.c: `crace report [--format F] [-o FILE] DIR-or-FILE...`:
 * merge the JSON Lines files of a run (docs/report-format.md), count each
 * finding once however many processes reported it, and write the result
 * as text, JSON Lines, SARIF, JUnit XML or HTML (render.h).
 *
 * Exit status (docs/ci.md): 0 no findings, 66 findings, 1 usage errors
 * (an unknown option or format, a path that cannot be read, an output
 * that cannot be written). Damaged lines inside the files are skipped
 * with a warning and do not change the status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "render.h"

/* `crace report`'s options: X(field, short, long, metavar, help). */
#define CRACE_REPORT_FLAGS(X)                                                           \
    X(format, NULL, "--format", "FORMAT", "text (default), json, sarif, junit or html") \
    X(output, "-o", "--output", "FILE", "write there instead of to standard output")   \
    X(help, "-h", "--help", NULL, "show this help")

struct report_flags {
#define REPORT_FLAG_FIELD(field, short_name, long_name, metavar, help) const char *field;
    CRACE_REPORT_FLAGS(REPORT_FLAG_FIELD)
#undef REPORT_FLAG_FIELD
};

struct report_flag_spec {
    const char *short_name; /* NULL: none */
    const char *long_name;
    const char *metavar; /* NULL: a flag without value */
    const char *help;
    size_t offset;
};

static const struct report_flag_spec report_flag_specs[] = {
#define REPORT_FLAG_SPEC(field, short_name, long_name, metavar, help) \
    {short_name, long_name, metavar, help, offsetof(struct report_flags, field)},
    CRACE_REPORT_FLAGS(REPORT_FLAG_SPEC)
#undef REPORT_FLAG_SPEC
};
enum { N_REPORT_FLAGS = sizeof report_flag_specs / sizeof report_flag_specs[0] };

struct format {
    const char *name;
    const char *help;
    void (*render)(FILE *out, const struct findings *fs);
};

static const struct format formats[] = {
#define REPORT_FORMAT_ENTRY(name, help) {#name, help, render_##name},
    REPORT_FORMATS(REPORT_FORMAT_ENTRY)
#undef REPORT_FORMAT_ENTRY
};
enum { N_FORMATS = sizeof formats / sizeof formats[0] };

void cmd_report_help(void)
{
    fputs("usage: crace report [--format FORMAT] [-o FILE] DIR-or-FILE...\n"
          "\n"
          "Reads the findings a run wrote as JSON Lines (crace-report/1, see\n"
          "docs/report-format.md): every *.jsonl file under each DIR, recursively, and\n"
          "each FILE whatever its name (- is standard input). Merges them, counts the\n"
          "same finding reported by several processes once (with how many processes\n"
          "and times), and writes it in FORMAT.\n"
          "\n"
          "Each file is read once, however many paths reach it. The output of an\n"
          "earlier `crace report --format json` found under a DIR is skipped, with a\n"
          "note: it counts the records beside it again; name it as a FILE to read it.\n"
          "\n"
          "A damaged line (a process killed while writing, a corrupt file) is skipped\n"
          "with a warning naming its file and line; the rest is still reported.\n"
          "\n"
          "Options:\n",
          stdout);
    for (int i = 0; i < N_REPORT_FLAGS; i++) {
        const struct report_flag_spec *s = &report_flag_specs[i];
        char left[64];
        snprintf(left, sizeof left, "%s%s%s%s%s", s->short_name ? s->short_name : "",
                 s->short_name ? ", " : "    ", s->long_name, s->metavar ? " " : "",
                 s->metavar ? s->metavar : "");
        printf("  %-24s %s\n", left, s->help);
    }
    fputs("\nFormats:\n", stdout);
    for (int i = 0; i < N_FORMATS; i++)
        printf("  %-8s %s\n", formats[i].name, formats[i].help);
    fputs("\n"
          "Exit status: 0 when there are no findings, 66 when there are, 1 on a usage\n"
          "error (bad option, unreadable path, output not writable).\n",
          stdout);
}

/* ------------------------------------------------ parsing */

/* The spec arg names, with *value set when it is "--long=VALUE" or
 * "-oVALUE"; NULL when none does. */
static const struct report_flag_spec *match_flag(const char *arg, const char **value)
{
    *value = NULL;
    for (int i = 0; i < N_REPORT_FLAGS; i++) {
        const struct report_flag_spec *s = &report_flag_specs[i];
        size_t len = strlen(s->long_name);
        if (strncmp(arg, s->long_name, len) == 0 && (arg[len] == '\0' || arg[len] == '=')) {
            if (arg[len] == '=')
                *value = arg + len + 1;
            return s;
        }
        if (s->short_name && strncmp(arg, s->short_name, 2) == 0) {
            if (arg[2] != '\0') {
                if (!s->metavar)
                    continue;
                *value = arg + 2;
            }
            return s;
        }
    }
    return NULL;
}

/* Parses argv[1..]: options anywhere before "--", everything else a path,
 * collected into paths. Returns false after a usage error. */
static bool parse_args(int argc, char **argv, struct report_flags *flags, crace_argv *paths)
{
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            crace_argv_push(paths, arg);
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        const char *value;
        const struct report_flag_spec *spec = match_flag(arg, &value);
        if (!spec) {
            fprintf(stderr,
                    "crace report: unknown option '%s'\nRun 'crace report --help' for usage.\n",
                    arg);
            return false;
        }
        if (!spec->metavar) {
            if (value) {
                fprintf(stderr, "crace report: %s takes no value\n", spec->long_name);
                return false;
            }
            value = spec->long_name;
        } else if (!value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "crace report: %s needs a value (%s %s)\n", spec->long_name,
                        spec->long_name, spec->metavar);
                return false;
            }
            value = argv[++i];
        }
        *(const char **)((char *)flags + spec->offset) = value;
    }
    return true;
}

static const struct format *find_format(const char *name)
{
    for (int i = 0; i < N_FORMATS; i++)
        if (strcmp(formats[i].name, name) == 0)
            return &formats[i];
    return NULL;
}

/* ------------------------------------------------ output */

/* Renders into out and flushes it: 0, or the errno of the first write
 * that failed (a full disk, /dev/full, a closed pipe). */
static int render_flushed(const struct format *fmt, const struct findings *fs, FILE *out)
{
    errno = 0;
    fmt->render(out, fs);
    int err = errno;
    if (fflush(out) != 0)
        return errno ? errno : EIO;
    if (ferror(out))
        return err ? err : EIO;
    return 0;
}

/* Closes out; 0, or why the last of it could not be written. */
static int close_output(FILE *out)
{
    return fclose(out) != 0 ? (errno ? errno : EIO) : 0;
}

/*
 * Renders into path through a temporary file renamed over it at the end,
 * so that a reader never sees half a report and a failed run leaves the
 * previous one in place. A path that exists and is not a regular file (a
 * device, a FIFO, /dev/stdout) is written in place: renaming over it
 * would replace the device with a file. Returns false after saying why.
 */
static bool render_to_file(const struct format *fmt, const struct findings *fs, const char *path)
{
    struct stat st;
    bool in_place = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    char *tmp = in_place ? NULL : crace_xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *out = fopen(in_place ? path : tmp, "w");
    if (!out) {
        fprintf(stderr, "crace report: cannot write the report to %s: %s\n", path,
                strerror(errno));
        free(tmp);
        return false;
    }
    int err = render_flushed(fmt, fs, out);
    int close_err = close_output(out);
    if (!err)
        err = close_err;
    if (!err && tmp && rename(tmp, path) != 0)
        err = errno;
    if (err) {
        fprintf(stderr, "crace report: cannot write the report to %s: %s\n", path, strerror(err));
        if (tmp)
            unlink(tmp);
    }
    free(tmp);
    return !err;
}

static bool render_to_stdout(const struct format *fmt, const struct findings *fs)
{
    int err = render_flushed(fmt, fs, stdout);
    if (err) {
        fprintf(stderr, "crace report: cannot write the report to standard output: %s\n",
                strerror(err));
        return false;
    }
    return true;
}

/* One line on stderr: what was found, in Go's words, and what was read. */
static void print_summary(const struct findings *fs)
{
    fprintf(stderr, "crace report: ");
    findings_print_counts(stderr, fs);
    fprintf(stderr, " (%zu record%s in %zu file%s", fs->records, fs->records == 1 ? "" : "s",
            fs->files, fs->files == 1 ? "" : "s");
    if (fs->skipped)
        fprintf(stderr, "; %zu damaged line%s skipped", fs->skipped, fs->skipped == 1 ? "" : "s");
    fputs(")\n", stderr);
}

int cmd_report(int argc, char **argv)
{
    struct report_flags flags = {0};
    crace_argv paths = {0};
    if (!parse_args(argc, argv, &flags, &paths)) {
        crace_argv_free(&paths);
        return CRACE_EXIT_USAGE;
    }
    if (flags.help) {
        cmd_report_help();
        crace_argv_free(&paths);
        return 0;
    }
    const struct format *fmt = find_format(flags.format ? flags.format : "text");
    if (!fmt) {
        fprintf(stderr, "crace report: unknown format '%s' (text, json, sarif, junit, html)\n",
                flags.format);
        crace_argv_free(&paths);
        return CRACE_EXIT_USAGE;
    }
    if (paths.n == 0) {
        fputs("crace report: no report directory or file given\n"
              "usage: crace report [--format FORMAT] [-o FILE] DIR-or-FILE...\n",
              stderr);
        crace_argv_free(&paths);
        return CRACE_EXIT_USAGE;
    }

    struct findings fs = {0};
    bool ok = true;
    for (size_t i = 0; i < paths.n; i++)
        ok &= findings_read_path(&fs, paths.v[i]);
    crace_argv_free(&paths);
    /* A path named on the command line that cannot be read is a broken CI
     * set-up, not a clean run: no report rather than a green one. */
    if (!ok) {
        findings_free(&fs);
        return CRACE_EXIT_USAGE;
    }
    if (fs.twice)
        fprintf(stderr,
                "crace report: warning: %zu finding%s counted twice: read from a process's own "
                "records and from a merged record (crace report's output) that names the same "
                "process; name the merged file or the records it was made from, not both\n",
                fs.twice, fs.twice == 1 ? " is" : "s are");

    ok = flags.output && strcmp(flags.output, "-") != 0 ? render_to_file(fmt, &fs, flags.output)
                                                         : render_to_stdout(fmt, &fs);
    if (ok)
        print_summary(&fs);
    int status = !ok ? CRACE_EXIT_USAGE : fs.n ? FINDINGS_EXIT : 0;
    findings_free(&fs);
    return status;
}
