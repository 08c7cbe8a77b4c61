/*
 * test_det_options.c: CRACE_OPTIONS (detector/options.c).
 *
 * Defaults come from options.inc; each type parses (bools in all six
 * spellings, any case); spaces, tabs, newlines and colons separate pairs,
 * quotes keep separators in a value; the last of a repeated key wins;
 * every error names the key and the value (unknown key with the list of
 * known ones and a "did you mean", missing value, bad int, bad bool, out of
 * range, unknown report format, empty log_path, unterminated quote) and
 * leaves the options unchanged; the message is cut to the buffer.
 * options_init reads the environment and stops the program with exit 1 on
 * a bad setting (checked in forked children). The help and the markdown
 * table list every option with its type, values and default.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "options.h"

static struct crace_options opts;
static char err[1024];

/* The option names in list order, from the list itself. */
static const char *const option_names[] = {
#define OPTION_NAME(type, name, def, help) #name,
    CRACE_OPTIONS_LIST(OPTION_NAME)
#undef OPTION_NAME
};
enum { N_OPTIONS = sizeof(option_names) / sizeof(option_names[0]) };

/* Field by field: the struct has padding, which memcmp would compare. */
#define SAME_BOOL(a, b) ((a) == (b))
#define SAME_INT(a, b) ((a) == (b))
#define SAME_STRING(a, b) (strcmp((a), (b)) == 0)
#define SAME_PATH SAME_STRING
static bool options_equal(const struct crace_options *a, const struct crace_options *b)
{
    bool same = true;
#define OPTION_SAME(type, name, def, help) same = same && SAME_##type(a->name, b->name);
    CRACE_OPTIONS_LIST(OPTION_SAME)
#undef OPTION_SAME
    return same;
}

/* "unknown option 'KEY' in CRACE_OPTIONS (HINTknown: a, b, c)" */
static const char *unknown_message(const char *key, const char *hint)
{
    static char buf[1024];
    int n = snprintf(buf, sizeof(buf), "unknown option '%s' in CRACE_OPTIONS (%sknown: ", key, hint);
    for (size_t i = 0; i < N_OPTIONS; i++)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%s", i ? ", " : "", option_names[i]);
    snprintf(buf + n, sizeof(buf) - (size_t)n, ")");
    return buf;
}

static int setup(void **state)
{
    (void)state;
    options_set_defaults(&opts);
    err[0] = '\0';
    return 0;
}

static int parse(const char *text)
{
    return options_parse(&opts, text, err, sizeof(err));
}

static void assert_parse_fails(const char *text, const char *message)
{
    struct crace_options before = opts;
    assert_int_equal(parse(text), -1);
    assert_string_equal(err, message);
    assert_true(options_equal(&opts, &before));
}

static void test_defaults(void **state)
{
    (void)state;
    assert_int_equal(opts.exitcode, 66);
    assert_false(opts.halt_on_error);
    assert_int_equal(opts.history_size, 3);
    assert_string_equal(opts.strip_path_prefix, "");
    assert_string_equal(opts.log_path, "stderr");
    assert_string_equal(opts.report_format, "text");
    assert_true(opts.report_atomic_races);
    assert_int_equal(opts.busy_select_threshold, 1000000);
    assert_int_equal(opts.lock_spin, 1000);
    /* Before options_init, the global holds the defaults too. */
    assert_true(options_equal(&crace_opts, &opts));
}

static void test_each_type(void **state)
{
    (void)state;
    assert_int_equal(parse("exitcode=3 halt_on_error=1 strip_path_prefix=/src/ history_size=7"), 0);
    assert_int_equal(opts.exitcode, 3);
    assert_true(opts.halt_on_error);
    assert_string_equal(opts.strip_path_prefix, "/src/");
    assert_int_equal(opts.history_size, 7);
    assert_int_equal(parse("report_atomic_races=0 busy_select_threshold=+2 exitcode=0"), 0);
    assert_false(opts.report_atomic_races);
    assert_int_equal(opts.busy_select_threshold, 2);
    assert_int_equal(opts.exitcode, 0);
}

static void test_empty_text_changes_nothing(void **state)
{
    (void)state;
    struct crace_options before = opts;
    assert_int_equal(parse(""), 0);
    assert_int_equal(parse(" : \t\n ::"), 0);
    assert_int_equal(options_parse(&opts, NULL, err, sizeof(err)), 0);
    assert_true(options_equal(&opts, &before));
}

static void test_separators(void **state)
{
    (void)state;
    assert_int_equal(parse("exitcode=1:halt_on_error=yes"), 0);
    assert_int_equal(opts.exitcode, 1);
    assert_true(opts.halt_on_error);
    assert_int_equal(parse("  :exitcode=2 \t busy_select_threshold=1:\nhistory_size=0 : "), 0);
    assert_int_equal(opts.exitcode, 2);
    assert_int_equal(opts.busy_select_threshold, 1);
    assert_int_equal(opts.history_size, 0);
    /* A colon ends an unquoted value: "a:b" is two pairs. */
    assert_int_equal(parse("log_path=/tmp/x:exitcode=9"), 0);
    assert_string_equal(opts.log_path, "/tmp/x");
    assert_int_equal(opts.exitcode, 9);
}

static void test_quoted_values(void **state)
{
    (void)state;
    assert_int_equal(parse("strip_path_prefix='/my dir/' log_path=\"C:/x y\":exitcode=4"), 0);
    assert_string_equal(opts.strip_path_prefix, "/my dir/");
    assert_string_equal(opts.log_path, "C:/x y");
    assert_int_equal(opts.exitcode, 4);
    assert_int_equal(parse("strip_path_prefix=''"), 0);
    assert_string_equal(opts.strip_path_prefix, "");
    assert_parse_fails("log_path='/tmp/x exitcode=1",
                       "unterminated quote in the value of option 'log_path'");
    assert_parse_fails("log_path='/tmp/x'y",
                       "unexpected 'y' after the quoted value of option 'log_path'");
}

static void test_last_wins_and_copies(void **state)
{
    (void)state;
    char text[] = "log_path=/tmp/a log_path=/tmp/b exitcode=1 exitcode=2";
    assert_int_equal(parse(text), 0);
    memset(text, 'z', sizeof(text) - 1); /* the strings were copied */
    assert_string_equal(opts.log_path, "/tmp/b");
    assert_int_equal(opts.exitcode, 2);
}

static void test_bools(void **state)
{
    (void)state;
    static const char *const yes[] = {"1", "true", "yes", "TRUE", "Yes"};
    static const char *const no[] = {"0", "false", "no", "False", "NO"};
    char text[64];
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        snprintf(text, sizeof(text), "halt_on_error=%s", yes[i]);
        assert_int_equal(parse(text), 0);
        assert_true(opts.halt_on_error);
        snprintf(text, sizeof(text), "halt_on_error=%s", no[i]);
        assert_int_equal(parse(text), 0);
        assert_false(opts.halt_on_error);
    }
    assert_parse_fails("halt_on_error=2", "bad value '2' for option 'halt_on_error': expected 0, 1, "
                                          "true, false, yes or no");
    assert_parse_fails("halt_on_error=on", "bad value 'on' for option 'halt_on_error': expected 0, 1, "
                                           "true, false, yes or no");
    assert_parse_fails("report_atomic_races=", "bad value '' for option 'report_atomic_races': "
                                               "expected 0, 1, true, false, yes or no");
}

static void test_bad_ints(void **state)
{
    (void)state;
    assert_parse_fails("exitcode=x", "bad value 'x' for option 'exitcode': expected an integer in 0..255");
    assert_parse_fails("exitcode=12abc",
                       "bad value '12abc' for option 'exitcode': expected an integer in 0..255");
    assert_parse_fails("exitcode=", "bad value '' for option 'exitcode': expected an integer in 0..255");
    assert_parse_fails("busy_select_threshold=99999999999999999999999",
                       "bad value '99999999999999999999999' for option 'busy_select_threshold': expected an integer >= 0");
    assert_parse_fails("busy_select_threshold=0x10",
                       "bad value '0x10' for option 'busy_select_threshold': expected an integer >= 0");
}

static void test_ranges(void **state)
{
    (void)state;
    assert_int_equal(parse("history_size=0"), 0);
    assert_int_equal(parse("history_size=7"), 0);
    assert_int_equal(opts.history_size, 7);
    assert_parse_fails("history_size=8",
                       "bad value '8' for option 'history_size': expected an integer in 0..7");
    assert_parse_fails("history_size=-1",
                       "bad value '-1' for option 'history_size': expected an integer in 0..7");
    assert_int_equal(parse("exitcode=255"), 0);
    assert_parse_fails("exitcode=256", "bad value '256' for option 'exitcode': expected an integer in 0..255");
    assert_parse_fails("exitcode=-1", "bad value '-1' for option 'exitcode': expected an integer in 0..255");
    assert_int_equal(parse("lock_spin=0"), 0);
    assert_int_equal(opts.lock_spin, 0);
    assert_parse_fails("lock_spin=1000001",
                       "bad value '1000001' for option 'lock_spin': expected an integer in 0..1000000");
    assert_parse_fails("busy_select_threshold=-3",
                       "bad value '-3' for option 'busy_select_threshold': expected an integer >= 0");
    assert_int_equal(parse("report_format=text"), 0);
    assert_parse_fails("report_format=json",
                       "bad value 'json' for option 'report_format': expected one of: text");
    assert_parse_fails("log_path=", "bad value '' for option 'log_path': expected stderr, stdout or a path prefix");
}

static void test_unknown_key(void **state)
{
    (void)state;
    assert_parse_fails("exitcode=1 foo=1", unknown_message("foo", ""));
    assert_non_null(strstr(err, "(known: exitcode, halt_on_error, history_size, "));
    assert_parse_fails("halt_on_eror=1", unknown_message("halt_on_eror", "did you mean 'halt_on_error'? "));
    /* Keys are case-sensitive, as in every sanitizer. */
    assert_int_equal(parse("EXITCODE=1"), -1);
    assert_non_null(strstr(err, "unknown option 'EXITCODE' in CRACE_OPTIONS ("));
}

static void test_missing_parts(void **state)
{
    (void)state;
    assert_parse_fails("exitcode=1 halt_on_error",
                       "option 'halt_on_error' in CRACE_OPTIONS has no value: expected halt_on_error=VALUE");
    assert_parse_fails("=1", "missing option name before '=' in CRACE_OPTIONS");
}

static void test_long_value_is_cut_in_message(void **state)
{
    (void)state;
    char text[300] = "exitcode=";
    memset(text + strlen(text), '7', 200);
    assert_int_equal(parse(text), -1);
    assert_non_null(strstr(err, "bad value '7777"));
    assert_non_null(strstr(err, "...' for option 'exitcode'"));
    assert_true(strlen(err) < 200);
}

static void test_error_fits_buffer(void **state)
{
    (void)state;
    char small[16];
    memset(small, 'x', sizeof(small));
    assert_int_equal(options_parse(&opts, "foo=1", small, sizeof(small)), -1);
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_memory_equal(small, "unknown option ", sizeof(small) - 1);
    assert_int_equal(options_parse(&opts, "foo=1", NULL, 0), -1);
}

/* ---------------------------------------------------------------- children */

/* Runs fn in a child with CRACE_OPTIONS=text (NULL: unset) and its stderr
 * captured; returns the exit status, the stderr text in out. */
static int run_child(const char *text, void (*fn)(void), char *out, size_t outlen)
{
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pipefd[0]);
        dup2(pipefd[1], 2);
        output_std_redirected(2);
        if (text)
            setenv("CRACE_OPTIONS", text, 1);
        else
            unsetenv("CRACE_OPTIONS");
        fn();
        _exit(0);
    }
    close(pipefd[1]);
    size_t len = 0;
    ssize_t n;
    while (len + 1 < outlen && (n = read(pipefd[0], out + len, outlen - 1 - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        len += (size_t)n;
    }
    out[len] = '\0';
    close(pipefd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void init_and_check(void)
{
    options_init();
    bool ok = crace_opts.exitcode == 7 && crace_opts.halt_on_error &&
              strcmp(crace_opts.log_path, "/tmp/x y") == 0 && crace_opts.history_size == 3;
    _exit(ok ? 0 : 10);
}

static void init_and_check_defaults(void)
{
    struct crace_options d;
    options_set_defaults(&d);
    options_init();
    _exit(options_equal(&d, &crace_opts) ? 0 : 10);
}

static void test_init_reads_environment(void **state)
{
    (void)state;
    char out[2048];
    assert_int_equal(run_child("exitcode=7:halt_on_error=yes log_path='/tmp/x y'", init_and_check, out,
                               sizeof(out)), 0);
    assert_string_equal(out, "");
    assert_int_equal(run_child(NULL, init_and_check_defaults, out, sizeof(out)), 0);
    assert_int_equal(run_child("", init_and_check_defaults, out, sizeof(out)), 0);
}

static void test_init_error_is_fatal(void **state)
{
    (void)state;
    char out[2048];
    assert_int_equal(run_child("exitcode=7 bogus=1", init_and_check, out, sizeof(out)), 1);
    char expected[1100];
    snprintf(expected, sizeof(expected), "crace: %s\n", unknown_message("bogus", ""));
    assert_string_equal(out, expected);
    assert_int_equal(run_child("history_size=9", init_and_check, out, sizeof(out)), 1);
    assert_string_equal(out, "crace: bad value '9' for option 'history_size': expected an integer in 0..7\n");
}

/* ---------------------------------------------------------------- help */

static void print_help(void)
{
    options_print_help(2);
}

static void print_markdown(void)
{
    options_print_markdown(2);
}

static void test_help_lists_every_option(void **state)
{
    (void)state;
    char out[8192];
    assert_int_equal(run_child(NULL, print_help, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "CRACE_OPTIONS: key=value pairs separated by spaces or colons"));
    assert_non_null(strstr(out, "  exitcode (int: 0..255; default: 66)\n      Exit status when findings "
                                "were reported and the program exited 0\n"));
    assert_non_null(strstr(out, "  halt_on_error (bool: 0, 1, true, false, yes, no; default: false)\n"
                                "      Exit after the first report\n"));
    assert_non_null(strstr(out, "  strip_path_prefix (string: any; default: \"\")\n"));
    assert_non_null(strstr(out, "  log_path (path: stderr, stdout or a path prefix; default: stderr)\n"));
    assert_non_null(strstr(out, "  report_format (string: text; default: text)\n"));
    assert_non_null(strstr(out, "  report_atomic_races (bool: 0, 1, true, false, yes, no; default: true)\n"));
    assert_non_null(strstr(out, "  busy_select_threshold (int: >= 0; default: 1000000)\n"));
    assert_non_null(strstr(out, "  history_size (int: 0..7; default: 3)\n"));
    for (size_t i = 0; i < N_OPTIONS; i++) {
        char line[128];
        snprintf(line, sizeof(line), "\n  %s (", option_names[i]);
        assert_non_null(strstr(out, line));
    }
}

static void test_markdown_table(void **state)
{
    (void)state;
    char out[8192];
    assert_int_equal(run_child(NULL, print_markdown, out, sizeof(out)), 0);
    assert_memory_equal(out, "| Option | Type | Default | Values | Description |\n|---|---|---|---|---|\n",
                        strlen("| Option | Type | Default | Values | Description |\n|---|---|---|---|---|\n"));
    assert_non_null(strstr(out, "\n| `exitcode` | int | `66` | 0..255 | Exit status when findings were "
                                "reported and the program exited 0 |\n"));
    assert_non_null(strstr(out, "\n| `strip_path_prefix` | string | (empty) | any | "));
    assert_non_null(strstr(out, "\n| `halt_on_error` | bool | `false` | 0, 1, true, false, yes, no | "));
    int rows = 0;
    for (const char *p = out; (p = strstr(p, "\n| `")) != NULL; p++)
        rows++;
    assert_int_equal(rows, N_OPTIONS);
    for (size_t i = 0; i < N_OPTIONS; i++) {
        char row[128];
        snprintf(row, sizeof(row), "\n| `%s` | ", option_names[i]);
        assert_non_null(strstr(out, row));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, setup),
        cmocka_unit_test_setup(test_each_type, setup),
        cmocka_unit_test_setup(test_empty_text_changes_nothing, setup),
        cmocka_unit_test_setup(test_separators, setup),
        cmocka_unit_test_setup(test_quoted_values, setup),
        cmocka_unit_test_setup(test_last_wins_and_copies, setup),
        cmocka_unit_test_setup(test_bools, setup),
        cmocka_unit_test_setup(test_bad_ints, setup),
        cmocka_unit_test_setup(test_ranges, setup),
        cmocka_unit_test_setup(test_unknown_key, setup),
        cmocka_unit_test_setup(test_missing_parts, setup),
        cmocka_unit_test_setup(test_long_value_is_cut_in_message, setup),
        cmocka_unit_test_setup(test_error_fits_buffer, setup),
        cmocka_unit_test_setup(test_init_reads_environment, setup),
        cmocka_unit_test_setup(test_init_error_is_fatal, setup),
        cmocka_unit_test_setup(test_help_lists_every_option, setup),
        cmocka_unit_test_setup(test_markdown_table, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
