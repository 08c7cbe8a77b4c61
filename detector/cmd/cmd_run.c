/*
 * cmd_run.c: `crace run [options] [--] PROG [ARGS...]`: run PROG with the
 * detector preloaded.
 *
 * crace waits for PROG rather than exec'ing it, so that options added later
 * can act after the run (collect the per-process report files, convert
 * them); it returns PROG's status the way a shell would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../options.inc"
#include "cmd.h"

/*
 * crace run's own options: X(field, spelling, metavar, help). metavar is
 * NULL for a flag; otherwise the option takes a value, as `--name=VALUE`
 * or `--name VALUE`. Expanded for the parsed struct, the parser and the
 * help text.
 */
#define CRACE_RUN_FLAGS(X) X(help, "--help", NULL, "show this help, with every CRACE_OPTIONS key")

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

/* ------------------------------------------------ help */

/* The detector's options, shown with their defaults: one printer per
 * option type of options.inc, so each default is printed as its type.
 * A type may have no option at the moment, hence `unused`. */
#define HELP_PRINTER static __attribute__((unused)) int
HELP_PRINTER print_default_BOOL(int v) { return printf("%d", v); }
HELP_PRINTER print_default_INT(long v) { return printf("%ld", v); }
HELP_PRINTER print_default_STRING(const char *v) { return printf("%s", v); }
#undef HELP_PRINTER

/* Column where an option's help text starts. */
enum { HELP_COLUMN = 28 };

static void print_help_line(int width, const char *help)
{
    int pad = width < HELP_COLUMN ? HELP_COLUMN - width : 1;
    printf("%*s%s\n", pad, "", help);
}

void cmd_run_help(void)
{
    fputs("usage: crace run [options] [--] PROG [ARGS...]\n"
          "\n"
          "Runs PROG with the detector (" CRACE_SHIM_NAME ") preloaded: LD_PRELOAD gets it\n"
          "first, any LD_PRELOAD already set follows. PROG is searched in PATH. Build\n"
          "PROG with `crace cc` to find data races; any program gets deadlock, lock\n"
          "order, leak and misuse checks.\n"
          "\n"
          "Exit status: PROG's own; 66 when the detector reported findings (CRACE_OPTIONS\n"
          "exitcode), 2 on a fatal deadlock; 128+N when signal N killed PROG; 127 when\n"
          "PROG is not found, 126 when it cannot be run; 1 for crace's own usage errors.\n"
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
    print_help_line(4, "end of crace's options; what follows is PROG and its arguments");

    fputs("\n"
          "The detector reads CRACE_OPTIONS, key=value pairs separated by spaces or\n"
          "colons (defaults shown):\n",
          stdout);
#define RUN_HELP_OPTION(type, name, def, help)                            \
    {                                                                     \
        int width = printf("  %s=", #name) + print_default_##type(def); \
        print_help_line(width, help);                                     \
    }
    CRACE_OPTIONS_LIST(RUN_HELP_OPTION)
#undef RUN_HELP_OPTION
}

/* ------------------------------------------------ parsing */

/* Parses crace's options in argv[1..]; returns the index of PROG (argc
 * when absent), or -1 after a usage error. */
static int parse_flags(int argc, char **argv, struct run_flags *flags)
{
    int i = 1;
    while (i < argc) {
        const char *arg = argv[i];
        /* PROG is the first argument that is not an option; "-" is none. */
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
            fprintf(stderr, "crace run: unknown option '%s'\nRun 'crace run --help' for usage.\n",
                    arg);
            return -1;
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

int cmd_run(int argc, char **argv)
{
    struct run_flags flags = {0};
    int prog = parse_flags(argc, argv, &flags);
    if (prog < 0)
        return CRACE_EXIT_USAGE;
    if (flags.help) {
        cmd_run_help();
        return 0;
    }
    if (prog >= argc) {
        fputs("crace run: no program to run\n"
              "usage: crace run [options] [--] PROG [ARGS...]\n",
              stderr);
        return CRACE_EXIT_USAGE;
    }
    if (!preload_shim())
        return CRACE_EXIT_USAGE;

    int status = crace_spawn(argv + prog);
    if (status >= 0)
        return status;
    /* As a shell reports it. */
    if (errno == ENOENT) {
        fprintf(stderr, "crace: %s: command not found\n", argv[prog]);
        return CRACE_EXIT_NOT_FOUND;
    }
    fprintf(stderr, "crace: %s: %s\n", argv[prog], strerror(errno));
    return CRACE_EXIT_NOT_EXECUTABLE;
}
