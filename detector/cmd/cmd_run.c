/*
 * cmd_run.c: `crace run [options] [--] COMMAND [ARGS...]`: run COMMAND,
 * and every process it starts, with the detector preloaded; collect each
 * process's findings in a report directory and end with a summary and
 * one exit status for the whole run (docs/ci.md).
 *
 * LD_PRELOAD and CRACE_OPTIONS are inherited by every child (fork, exec,
 * posix_spawn, system(), shell pipelines), so one setting covers the
 * tree; the shim gives them back to a child started with an environment
 * that lacks them (detector/exec_env.h), and names a child that cannot
 * load it (detector/unchecked.h), as check_command names COMMAND.
 * CRACE_OPTIONS gets json_path=DIR/RUN: each process appends its
 * findings to DIR/RUN.PID.jsonl, created when it starts, and leaves
 * DIR/RUN.PID.process.json when it ends (run_summary.c reads both). RUN
 * is unique to this invocation, so several runs may share DIR (a
 * Makefile loop over test binaries) and `crace report DIR` merges them
 * all, while this run's summary counts only its own processes.
 *
 * crace waits for COMMAND rather than exec'ing it, to read the report
 * directory after it ends; and, as their subreaper, for the processes
 * COMMAND leaves running, whose findings count too (run_descendants.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "exec_target.h"
#include "options.h"
#include "run_descendants.h"
#include "run_summary.h"

/*
 * crace run's own options: X(field, spelling, metavar, help). metavar is
 * NULL for a flag; otherwise the option takes a value, as `--name=VALUE`
 * or `--name VALUE`. Expanded for the parsed struct, the parser and the
 * help text. Every CRACE_OPTIONS key is an option too (detector_flags
 * below).
 */
#define CRACE_RUN_FLAGS(X)                                                                   \
    X(out, "--out", "DIR",                                                                   \
      "report directory (created if missing; default: a new one under " RUN_DEFAULT_DIR "/)") \
    X(quiet, "--quiet", NULL, "no summary at the end (the exit status is the same)")        \
    X(wait_descendants, "--wait-descendants", "SECONDS",                                     \
      "wait up to SECONDS (default " RUN_DEFAULT_WAIT ") for what COMMAND leaves running; "  \
      "0: no wait")                                                                          \
    X(kill_descendants, "--kill-descendants", NULL,                                          \
      "then end what still runs (SIGTERM; SIGKILL " RUN_STR(RUN_TERM_WAIT) " s later), "      \
      "not leave it running")                                                                \
    X(help, "--help", NULL, "show this help")

/* Where runs without --out keep their reports, relative to the current
 * directory. */
#define RUN_DEFAULT_DIR "crace-reports"

/* A number macro as a string, for the help text. */
#define RUN_STR(x) RUN_STR_(x)
#define RUN_STR_(x) #x

/* --wait-descendants' default: a background process's last reports, and
 * a short-lived daemon, get time to finish; a server left running by
 * mistake costs each run this much, once. */
#define RUN_DEFAULT_WAIT "5"

/* A field per option: NULL when absent, else its value (its spelling for a
 * flag). */
struct run_flags {
#define RUN_FLAG_FIELD(field, spelling, metavar, help) const char *field;
    CRACE_RUN_FLAGS(RUN_FLAG_FIELD)
#undef RUN_FLAG_FIELD
};

struct run_flag_spec {
    const char *spelling;
    const char *metavar;
    const char *help;
    size_t offset; /* of the field in struct run_flags */
};

static const struct run_flag_spec run_flag_specs[] = {
#define RUN_FLAG_SPEC(field, spelling, metavar, help) \
    {spelling, metavar, help, offsetof(struct run_flags, field)},
    CRACE_RUN_FLAGS(RUN_FLAG_SPEC)
#undef RUN_FLAG_SPEC
};
enum { N_RUN_FLAGS = sizeof run_flag_specs / sizeof run_flag_specs[0] };

/*
 * The detector's options as command-line options: `--halt-on-error`,
 * `--history-size=4`, one per key of options.inc, '_' written '-' (either
 * is accepted). A BOOL alone means 1. PATH values are made absolute, since
 * the processes of the run may change directory.
 */
enum detector_flag_type { DFLAG_BOOL, DFLAG_INT, DFLAG_STRING, DFLAG_PATH };

struct detector_flag {
    const char *key; /* the CRACE_OPTIONS key */
    enum detector_flag_type type;
    const char *help;
};

static const struct detector_flag detector_flags[] = {
#define RUN_DETECTOR_FLAG(type, name, def, help) {#name, DFLAG_##type, help},
    CRACE_OPTIONS_LIST(RUN_DETECTOR_FLAG)
#undef RUN_DETECTOR_FLAG
};
enum { N_DETECTOR_FLAGS = sizeof detector_flags / sizeof detector_flags[0] };

/* ------------------------------------------------ help */

/* The detector's options, shown with their defaults: one printer per
 * option type of options.inc, so each default is printed as its type.
 * A type may have no option at the moment, hence `unused`. */
#define HELP_PRINTER static __attribute__((unused)) int
HELP_PRINTER print_default_BOOL(int v) { return printf("%d", v); }
HELP_PRINTER print_default_INT(long v) { return printf("%ld", v); }
HELP_PRINTER print_default_STRING(const char *v) { return printf("%s", v); }
HELP_PRINTER print_default_PATH(const char *v) { return printf("%s", v); }
#undef HELP_PRINTER

/* Column where an option's help text starts. */
enum { HELP_COLUMN = 34 };

static void print_help_line(int width, const char *help)
{
    int pad = width < HELP_COLUMN ? HELP_COLUMN - width : 1;
    printf("%*s%s\n", pad, "", help);
}

/* "--history-size" for "history_size". */
static int print_flag_name(const char *key)
{
    int n = printf("  --");
    for (const char *p = key; *p; p++, n++)
        putchar(*p == '_' ? '-' : *p);
    return n;
}

static const char *const flag_metavar[] = {
    [DFLAG_BOOL] = "[=0|1]", [DFLAG_INT] = "=N", [DFLAG_STRING] = "=VALUE", [DFLAG_PATH] = "=PATH",
};

void cmd_run_help(void)
{
    fputs("usage: crace run [options] [--] COMMAND [ARGS...]\n"
          "\n"
          "Runs COMMAND, and every process it starts (fork, exec, posix_spawn, system(),\n"
          "shell pipelines), with the detector (" CRACE_SHIM_NAME ") preloaded: LD_PRELOAD\n"
          "gets it first, any LD_PRELOAD already set follows. COMMAND is searched in\n"
          "PATH. A program started with an environment that lacks the detector\n"
          "(env -i, execve with its own envp) gets it back; one that cannot load it\n"
          "(statically linked, 32-bit, setuid) runs unchecked, and is named as it\n"
          "starts and in the summary. Build programs with `crace cc` to find data\n"
          "races; any program gets deadlock, lock order, leak and misuse checks.\n"
          "\n"
          "Findings are printed as they happen and each process also writes them to\n"
          "the report directory, one JSON Lines file per process; at the end crace\n"
          "prints a summary of the run. `crace report DIR` turns the directory into\n"
          "text, JSON, SARIF, JUnit XML or HTML.\n"
          "\n"
          "Processes COMMAND leaves running (`./server &` in a script, a daemon) are\n"
          "waited for once it ends (--wait-descendants), so that what they find\n"
          "counts; those still running then are named in the summary and left\n"
          "running, or ended with --kill-descendants.\n"
          "\n"
          "Exit status:\n"
          "  0         COMMAND exited 0 and nothing was found\n"
          "  66        something was found in any process, whatever COMMAND's status\n"
          "            (the exitcode option; with --exitcode=0, findings do not fail\n"
          "            the run and a failed COMMAND's status stands)\n"
          "  COMMAND's status when it failed and nothing was found (128+N: killed by\n"
          "            signal N; 127: not found; 126: cannot be run)\n"
          "  1         crace's own usage errors, a bad detector option, or no process\n"
          "            ran under the detector while COMMAND exited 0\n"
          "  128+N     nothing else failed, but signal N (HUP, INT, QUIT, TERM) stopped\n"
          "            crace while it waited for processes COMMAND left running\n"
          "\n"
          "Options:\n",
          stdout);
    for (int i = 0; i < N_RUN_FLAGS; i++) {
        const struct run_flag_spec *s = &run_flag_specs[i];
        int width = s->metavar ? printf("  %s=%s", s->spelling, s->metavar)
                               : printf("  %s", s->spelling);
        print_help_line(width, s->help);
    }
    printf("  --");
    print_help_line(4, "end of crace's options; what follows is COMMAND and its arguments");

    fputs("\n"
          "Detector options: each sets the CRACE_OPTIONS key of the same name (with\n"
          "'_' for '-') for every process of the run, over CRACE_OPTIONS from the\n"
          "environment. Defaults shown:\n",
          stdout);
    for (int i = 0; i < N_DETECTOR_FLAGS; i++) {
        int width = print_flag_name(detector_flags[i].key);
        width += printf("%s", flag_metavar[detector_flags[i].type]);
        print_help_line(width, detector_flags[i].help);
    }
    fputs("\n"
          "The same keys in CRACE_OPTIONS, key=value pairs separated by spaces or\n"
          "colons, with their defaults:\n",
          stdout);
#define RUN_HELP_OPTION(type, name, def, help)                            \
    {                                                                     \
        int width = printf("  %s=", #name) + print_default_##type(def); \
        print_help_line(width, "");                                       \
    }
    CRACE_OPTIONS_LIST(RUN_HELP_OPTION)
#undef RUN_HELP_OPTION
}

/* ------------------------------------------------ parsing */

/* The settings the run's options give to CRACE_OPTIONS, in order. */
struct detector_settings {
    crace_argv pairs; /* "key=value", owned */
};

/* The detector option spelled by arg ("--history-size", "--history_size";
 * up to '=' when there is one), or NULL. */
static const struct detector_flag *match_detector_flag(const char *arg, const char **value)
{
    if (strncmp(arg, "--", 2) != 0)
        return NULL;
    const char *name = arg + 2;
    for (int i = 0; i < N_DETECTOR_FLAGS; i++) {
        const char *key = detector_flags[i].key;
        size_t k = 0;
        while (key[k] && (name[k] == key[k] || (key[k] == '_' && name[k] == '-')))
            k++;
        if (key[k])
            continue;
        if (name[k] == '\0') {
            *value = NULL;
            return &detector_flags[i];
        }
        if (name[k] == '=') {
            *value = name + k + 1;
            return &detector_flags[i];
        }
    }
    return NULL;
}

/* The value as CRACE_OPTIONS carries it: quoted when it holds a separator
 * (space, colon) or starts with a quote. NULL when it holds both quote
 * characters, which CRACE_OPTIONS cannot carry. */
static char *quote_value(const char *v)
{
    if (!strpbrk(v, " \t\n:'\""))
        return crace_xstrdup(v);
    if (!strchr(v, '\''))
        return crace_xasprintf("'%s'", v);
    if (!strchr(v, '"'))
        return crace_xasprintf("\"%s\"", v);
    return NULL;
}

/* Absolute form of a path value; the special words of log_path stay. */
static char *absolute_value(const struct detector_flag *f, const char *v)
{
    if (f->type != DFLAG_PATH || v[0] == '/' || v[0] == '\0' || strcmp(v, "stderr") == 0 ||
        strcmp(v, "stdout") == 0)
        return crace_xstrdup(v);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "crace run: cannot get the current directory: %s\n", strerror(errno));
        return NULL;
    }
    return crace_xasprintf("%s/%s", cwd, v);
}

static bool add_setting(struct detector_settings *s, const struct detector_flag *f,
                        const char *value)
{
    char *abs = absolute_value(f, value);
    if (!abs)
        return false;
    char *quoted = quote_value(abs);
    free(abs);
    if (!quoted) {
        fprintf(stderr, "crace run: --%s: a value cannot hold both ' and \"\n", f->key);
        return false;
    }
    crace_argv_push(&s->pairs, crace_xasprintf("%s=%s", f->key, quoted));
    free(quoted);
    return true;
}

/* Parses crace's options in argv[1..]; returns the index of COMMAND (argc
 * when absent), or -1 after a usage error. */
static int parse_flags(int argc, char **argv, struct run_flags *flags,
                       struct detector_settings *settings)
{
    int i = 1;
    while (i < argc) {
        const char *arg = argv[i];
        /* COMMAND is the first argument that is not an option; "-" is none. */
        if (arg[0] != '-' || arg[1] == '\0')
            break;
        i++;
        if (strcmp(arg, "--") == 0)
            break;

        const struct run_flag_spec *spec = NULL;
        const char *value = NULL;
        for (int k = 0; k < N_RUN_FLAGS && !spec; k++) {
            const struct run_flag_spec *s = &run_flag_specs[k];
            size_t len = strlen(s->spelling);
            if (strncmp(arg, s->spelling, len) != 0)
                continue;
            if (arg[len] == '\0') {
                spec = s;
            } else if (arg[len] == '=') {
                spec = s;
                value = arg + len + 1;
            }
        }
        if (!spec) {
            const struct detector_flag *d = match_detector_flag(arg, &value);
            if (!d) {
                fprintf(stderr,
                        "crace run: unknown option '%s'\nRun 'crace run --help' for usage.\n",
                        arg);
                return -1;
            }
            if (!value && d->type == DFLAG_BOOL) {
                value = "1";
            } else if (!value) {
                if (i >= argc) {
                    fprintf(stderr, "crace run: %s needs a value (%s%s)\n", arg, arg,
                            flag_metavar[d->type]);
                    return -1;
                }
                value = argv[i++];
            }
            if (!add_setting(settings, d, value))
                return -1;
            continue;
        }
        if (!spec->metavar) {
            if (value) {
                fprintf(stderr, "crace run: %s takes no value\n", spec->spelling);
                return -1;
            }
            value = spec->spelling;
        } else if (!value) {
            if (i >= argc) {
                fprintf(stderr, "crace run: %s needs a value (%s=%s)\n", spec->spelling,
                        spec->spelling, spec->metavar);
                return -1;
            }
            value = argv[i++];
        }
        *(const char **)((char *)flags + spec->offset) = value;
    }
    return i;
}

/* ------------------------------------------------ running */

/* Puts the shim first in LD_PRELOAD. Returns false after an error. */
static bool preload_shim(void)
{
    char *shim = crace_library(CRACE_SHIM_NAME);
    if (!shim)
        return false;
    /* The dynamic loader splits LD_PRELOAD at spaces and colons: a path
     * holding one would be preloaded as two missing files, silently. */
    if (strpbrk(shim, " :")) {
        fprintf(stderr,
                "crace: %s: LD_PRELOAD cannot hold a path with ' ' or ':'; "
                "move crace or set CRACE_LIBDIR\n",
                shim);
        free(shim);
        return false;
    }
    const char *old = getenv("LD_PRELOAD");
    char *preload = old && *old ? crace_xasprintf("%s:%s", shim, old) : crace_xstrdup(shim);
    int rc = setenv("LD_PRELOAD", preload, 1);
    free(preload);
    free(shim);
    if (rc != 0) {
        fprintf(stderr, "crace: cannot set LD_PRELOAD: %s\n", strerror(errno));
        return false;
    }
    return true;
}

/* mkdir -p: every missing component of path, mode 0777 & ~umask. */
static bool make_dirs(const char *path)
{
    char *p = crace_xstrdup(path);
    bool ok = true;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "crace run: cannot create the report directory %s: %s\n", p,
                    strerror(errno));
            ok = false;
        } else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "crace run: %s is not a directory (the report directory %s needs it)\n",
                    p, path);
            ok = false;
        }
        *s = c;
        if (!ok || c == '\0')
            break;
    }
    free(p);
    return ok;
}

/* The report directory: --out, or a new RUN_DEFAULT_DIR/RUN_ID; created,
 * and returned absolute (the run's processes may change directory).
 * *shown gets it as the user gave it. */
static char *report_dir(const char *out, const char *run_id, char **shown)
{
    *shown = out ? crace_xstrdup(out) : crace_xasprintf(RUN_DEFAULT_DIR "/%s", run_id);
    if (!make_dirs(*shown))
        return NULL;
    char *abs = realpath(*shown, NULL);
    if (!abs)
        fprintf(stderr, "crace run: report directory %s: %s\n", *shown, strerror(errno));
    return abs;
}

/* Names this run's files apart from other runs' in a shared directory,
 * in the order the runs started: YYYYMMDD-HHMMSS-PID. */
static char *make_run_id(void)
{
    time_t now = time(NULL);
    struct tm tm;
    char stamp[32];
    if (!localtime_r(&now, &tm) || !strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm))
        snprintf(stamp, sizeof stamp, "%lld", (long long)now);
    return crace_xasprintf("%s-%d", stamp, (int)getpid());
}

/* CRACE_OPTIONS from the environment followed by the command line's
 * settings (later keys win in the detector's parser). */
static char *joined_options(const struct detector_settings *s)
{
    const char *env = getenv("CRACE_OPTIONS");
    char *text = crace_xstrdup(env ? env : "");
    for (size_t i = 0; i < s->pairs.n; i++) {
        char *next = crace_xasprintf("%s%s%s", text, *text ? " " : "", s->pairs.v[i]);
        free(text);
        text = next;
    }
    return text;
}

/* Appends json_path=DIR/RUN_ID to *text, last so that it wins. */
static bool add_json_path(char **text, const char *dir, const char *run_id)
{
    char *prefix = crace_xasprintf("%s/%s", dir, run_id);
    char *quoted = quote_value(prefix);
    free(prefix);
    if (!quoted) {
        fprintf(stderr,
                "crace run: report directory %s: a path holding both ' and \" cannot be "
                "passed to the detector\n",
                dir);
        return false;
    }
    char *next = crace_xasprintf("%s%sjson_path=%s", *text, **text ? " " : "", quoted);
    free(quoted);
    free(*text);
    *text = next;
    return true;
}

/* True when files can be created in dir, tried with a file made and
 * removed there: the processes would otherwise each stop before main
 * with their own message, and permissions alone do not tell (root, a
 * read-only file system, /proc). */
static bool can_create_files(const char *dir, char *why, size_t cap)
{
    char *probe = crace_xasprintf("%s/.crace-probe-XXXXXX", dir);
    int fd = mkstemp(probe);
    if (fd < 0)
        snprintf(why, cap, "%s", strerror(errno));
    else {
        close(fd);
        unlink(probe);
    }
    free(probe);
    return fd >= 0;
}

/*
 * Where this run's processes write: json_path=DIR/RUN_ID is added to
 * *text. DIR is --out's, or json_path's own directory when the user set
 * json_path (PREFIX: RUN_ID is then PREFIX's name, a dot and the run's
 * id, so the files stay PREFIX.*.jsonl where the user looks for them),
 * else a new RUN_DEFAULT_DIR/RUN_ID.
 */
static bool choose_reports(const struct run_flags *flags, const struct crace_options *o, char **text,
                           char **dir, char **run_id, char **shown)
{
    char *id = make_run_id();
    if (o->json_path[0] && !flags->out) {
        char *user = crace_xstrdup(o->json_path);
        char *slash = strrchr(user, '/');
        *run_id = crace_xasprintf("%s.%s", slash ? slash + 1 : user, id);
        if (slash)
            *slash = '\0';
        *shown = crace_xstrdup(slash ? (*user ? user : "/") : ".");
        /* Created if missing, as --out's is: the detector alone would
         * stop every process on a missing directory. */
        if (make_dirs(*shown)) {
            *dir = realpath(*shown, NULL);
            if (!*dir)
                fprintf(stderr, "crace run: json_path %s: directory %s: %s\n", o->json_path,
                        *shown, strerror(errno));
        }
        free(user);
    } else {
        *run_id = id;
        id = NULL;
        *dir = report_dir(flags->out, *run_id, shown);
    }
    free(id);
    if (!*dir)
        return false;
    char why[256];
    if (!can_create_files(*dir, why, sizeof why)) {
        if (flags->out)
            fprintf(stderr,
                    "crace run: --out %s: cannot create files there (%s); --out takes a "
                    "directory where the run's processes write their reports, created if "
                    "missing: give one you can write to, or leave --out out for a new one "
                    "under " RUN_DEFAULT_DIR "/\n",
                    *shown, why);
        else if (o->json_path[0])
            fprintf(stderr,
                    "crace run: json_path %s: cannot create files in %s (%s); point it into a "
                    "directory you can write to\n",
                    o->json_path, *shown, why);
        else
            fprintf(stderr, "crace run: cannot create files in the report directory %s (%s)\n",
                    *shown, why);
        return false;
    }
    return add_json_path(text, *dir, *run_id);
}

/*
 * COMMAND, which crace starts itself, outside the detector: judged as the
 * shim judges what its processes start (detector/exec_target.h), and said
 * now, as the shim says it, when it cannot load the detector. *path gets
 * its file, absolute, and *why the reason, for the summary; both NULL
 * when it loads the detector (or cannot be found: crace_spawn says so).
 */
static void check_command(const char *name, char **path, char **why)
{
    *path = *why = NULL;
    char file[PATH_MAX], interp[PATH_MAX], text[2 * PATH_MAX];
    exec_target_init();
    if (!exec_target_search(name, getenv("PATH"), file, sizeof file))
        return;
    enum exec_reason r = exec_target_classify(AT_FDCWD, file, 0, interp, sizeof interp);
    if (r == EXEC_CHECKED)
        return;
    exec_reason_message(r, interp, text, sizeof text);
    fprintf(stderr, "crace: warning: %s runs without the detector: %s\n", name, text);
    const char *rel = file;
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    char cwd[PATH_MAX];
    *path = file[0] == '/' || !getcwd(cwd, sizeof cwd) ? crace_xstrdup(file)
                                                        : crace_xasprintf("%s/%s", cwd, rel);
    *why = crace_xstrdup(text);
}

/* --wait-descendants' SECONDS: a decimal number, 0 or more (a fraction
 * of a second is fine). False after saying why. */
static bool parse_seconds(const char *text, double *seconds)
{
    char *end;
    errno = 0;
    *seconds = strtod(text, &end);
    /* A week bounds it: past that, the wait is a hang, not a grace. */
    if (end == text || *end || errno || !isfinite(*seconds) || *seconds < 0 ||
        *seconds > 7 * 24 * 3600) {
        fprintf(stderr,
                "crace run: --wait-descendants: '%s' is not a number of seconds (0 to 604800; "
                "0: do not wait)\n",
                text);
        return false;
    }
    return true;
}

/* Runs argv; false after saying why it could not be started. *status is
 * its status as a shell reports it (127 or 126 when it did not start). */
static bool run_command(char **argv, int *status, int *signal)
{
    *status = crace_spawn(argv, signal);
    if (*status >= 0)
        return true;
    if (errno == ENOENT) {
        fprintf(stderr, "crace: %s: command not found\n", argv[0]);
        *status = CRACE_EXIT_NOT_FOUND;
    } else {
        fprintf(stderr, "crace: %s: %s\n", argv[0], strerror(errno));
        *status = CRACE_EXIT_NOT_EXECUTABLE;
    }
    return false;
}

int cmd_run(int argc, char **argv)
{
    struct run_flags flags = {0};
    struct detector_settings settings = {0};
    struct run_summary_input in = {0};
    struct run_leftovers leftovers = {0};
    int prog = parse_flags(argc, argv, &flags, &settings);
    int status = CRACE_EXIT_USAGE;
    char *run_id = NULL, *dir = NULL, *shown = NULL, *options = NULL;
    char *unchecked = NULL, *unchecked_why = NULL;
    if (prog < 0)
        goto out;
    if (flags.help) {
        cmd_run_help();
        status = 0;
        goto out;
    }
    if (prog >= argc) {
        fputs("crace run: no command to run\n"
              "usage: crace run [options] [--] COMMAND [ARGS...]\n",
              stderr);
        goto out;
    }
    if (flags.out && !*flags.out) {
        fputs("crace run: --out needs a directory\n", stderr);
        goto out;
    }
    double wait;
    if (!parse_seconds(flags.wait_descendants ? flags.wait_descendants : RUN_DEFAULT_WAIT, &wait))
        goto out;
    options = joined_options(&settings);
    /* With the shim's own parser: a bad key or value stops the run here,
     * named, before any process starts. */
    struct crace_options opts;
    char err[1024];
    options_set_defaults(&opts);
    if (options_parse(&opts, options, err, sizeof err) != 0) {
        fprintf(stderr, "crace run: %s\n", err);
        goto out;
    }
    if (!preload_shim() || !choose_reports(&flags, &opts, &options, &dir, &run_id, &shown))
        goto out;
    if (setenv("CRACE_OPTIONS", options, 1) != 0) {
        fprintf(stderr, "crace run: cannot set CRACE_OPTIONS: %s\n", strerror(errno));
        goto out;
    }

    check_command(argv[prog], &unchecked, &unchecked_why);
    /* Adopted, COMMAND's orphans can be waited for: without it, a
     * background process still reporting after COMMAND ended would find
     * nobody counting. Failing that, the run goes on as it would have. */
    run_descendants_adopt();
    /* A command that could not be started left nothing to sum up; one
     * that ran and exited 127 itself (a script's missing command) did. */
    if (run_command(argv + prog, &status, &in.signal)) {
        /* Before the summary, so that what they find is counted; but not
         * after COMMAND was stopped (^C, a CI runner's timeout, which
         * crace passed on): the run is being cut short, and must not hold
         * up whoever stops it. */
        bool stopped = in.signal == SIGHUP || in.signal == SIGINT || in.signal == SIGQUIT ||
                       in.signal == SIGTERM;
        run_descendants_wait(stopped ? 0 : wait, flags.kill_descendants != NULL, &leftovers);
        in.leftovers = &leftovers;
        in.command_unchecked = unchecked;
        in.command_unchecked_why = unchecked_why;
        in.command = argv[prog];
        in.dir = dir;
        in.run_id = run_id;
        in.shown_dir = shown;
        in.status = status;
        in.exitcode = opts.exitcode;
        in.quiet = flags.quiet != NULL;
        status = run_summary(&in);
    }
    /* A fresh directory that no process wrote to goes (COMMAND not found,
     * stopped by a bad option); rmdir leaves one holding anything, and
     * earlier runs' reports keep RUN_DEFAULT_DIR. */
    char *fresh = crace_xasprintf(RUN_DEFAULT_DIR "/%s", run_id);
    if (strcmp(shown, fresh) == 0 && rmdir(dir) == 0)
        rmdir(RUN_DEFAULT_DIR);
    free(fresh);
out:
    run_leftovers_free(&leftovers);
    for (size_t i = 0; i < settings.pairs.n; i++)
        free(settings.pairs.v[i]);
    crace_argv_free(&settings.pairs);
    free(options);
    free(unchecked);
    free(unchecked_why);
    free(shown);
    free(dir);
    free(run_id);
    return status;
}
