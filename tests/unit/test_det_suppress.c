/*
 * test_det_suppress.c: suppression files (detector/suppress.c) and their
 * effect on reports (detector/report.c).
 *
 * Patterns: an unanchored pattern matches a substring, '^' and '$' anchor
 * at either end, '*' matches any run, anchored ends never overlap. Files:
 * blank lines and comments are skipped, white space trimmed, rules kept
 * in file order with their lines; an unknown type, a line without ':', an
 * empty pattern and an unreadable file each print a message naming the
 * file and line (every bad line, up to ten) and fail the load; a relative
 * path missing from the current directory is found next to the
 * executable. Findings: each type covers its kinds (race: data races;
 * deadlock: deadlocks and lock-order inversions; leak: leaks; misuse:
 * misuse and busy select loops; called_from_lib: any kind, the first
 * stack's modules only); a rule matches a frame's function, file or
 * module in any stack, or a racing global's name; the first rule in file
 * order takes the hit. A suppressed finding is neither printed nor counted
 * and does not halt; a data race is suppressed through report_emit; the
 * summary says how many were suppressed and lists unused rules.
 *
 * The program links the whole detector, which is active in it: the tests
 * run in a child (det_test.h), where the findings they let through stay.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "det_test.h"
#include "options.h"
#include "report.h"
#include "report_json.h"
#include "rt.h"
#include "suppress.h"

/* ---------------------------------------------------------------- helpers */

/* The volatile asm keeps the compiler from merging two calls. */
static CRACE_NOINLINE uintptr_t caller_pc(void)
{
    __asm__ __volatile__("");
    return (uintptr_t)__builtin_return_address(0);
}

/* A pc in a function whose name the rules below look for. */
static CRACE_NOINLINE uintptr_t suppressible_function(void)
{
    volatile uintptr_t pc = caller_pc();
    return pc;
}

/* Unlike its twin above (the nop), so that the compiler does not fold
 * the two into one. */
static CRACE_NOINLINE uintptr_t other_function(void)
{
    __asm__ __volatile__("nop");
    volatile uintptr_t pc = caller_pc();
    return pc;
}

static char path[64];

/* Writes text to a new temporary file, whose name goes to path. */
static const char *write_file(const char *text)
{
    snprintf(path, sizeof(path), "/tmp/crace-test-supp.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static void load_ok(const char *text)
{
    assert_true(suppress_load(write_file(text)));
    unlink(path);
}

struct load_arg {
    const char *path;
    bool ok;
};

static void load_into(void *arg)
{
    struct load_arg *a = arg;
    a->ok = suppress_load(a->path);
}

/* Loads text, which must fail; returns what was printed (caller frees). */
static char *load_fails(const char *text)
{
    struct load_arg a = {write_file(text), true};
    char *out = det_capture_stderr(load_into, &a);
    unlink(path);
    assert_false(a.ok);
    assert_false(suppress_enabled());
    return out;
}

struct listed {
    char text[1024];
    size_t len;
};

static void list_rule(const char *file, unsigned line, const char *rule, uint64_t hits, void *arg)
{
    struct listed *l = arg;
    (void)file;
    l->len += (size_t)snprintf(l->text + l->len, sizeof(l->text) - l->len, "%u %s %llu\n", line, rule,
                               (unsigned long long)hits);
}

static const char *rules_listed(void)
{
    static struct listed l;
    l.len = 0;
    l.text[0] = '\0';
    suppress_foreach(list_rule, &l);
    return l.text;
}

/* A finding of kind k whose stacks are first (NULL: lost) and then
 * second (0: none). */
static struct crace_finding *finding(enum report_kind k, const uintptr_t *first, const uintptr_t *second)
{
    static struct crace_finding f;
    static char text[64];
    struct sbuf b = {text, sizeof(text), 0};
    finding_init(&f, k, NULL);
    sb_printf(&b, "First:\n");
    finding_stack(&f, &b, 1, first, first ? 1 : 0);
    if (second) {
        sb_printf(&b, "Second:\n");
        finding_stack(&f, &b, 2, second, 1);
    }
    return &f;
}

static int setup(void **state)
{
    (void)state;
    options_set_defaults(&crace_opts);
    return 0;
}

/* ---------------------------------------------------------------- patterns */

static void test_match_substring(void **state)
{
    (void)state;
    assert_true(suppress_match("worker", "worker"));
    assert_true(suppress_match("worker", "my_worker_loop"));
    assert_true(suppress_match("libfoo", "/usr/lib/libfoo.so.1"));
    assert_false(suppress_match("worker", "work"));
    assert_false(suppress_match("Worker", "worker")); /* case counts */
    assert_false(suppress_match("x", ""));
}

static void test_match_anchors(void **state)
{
    (void)state;
    assert_true(suppress_match("^worker", "worker_loop"));
    assert_false(suppress_match("^worker", "my_worker"));
    assert_true(suppress_match("loop$", "worker_loop"));
    assert_false(suppress_match("loop$", "loop_worker"));
    assert_true(suppress_match("^worker$", "worker"));
    assert_false(suppress_match("^worker$", "workers"));
    assert_false(suppress_match("^worker$", "a_worker"));
    assert_true(suppress_match("^$", ""));
    assert_false(suppress_match("^$", "x"));
    assert_true(suppress_match("^", "anything"));
    assert_true(suppress_match("$", "anything"));
    /* '^' and '$' are literal elsewhere. */
    assert_true(suppress_match("a^b", "xa^by"));
    assert_true(suppress_match("a$b", "a$b"));
}

static void test_match_wildcards(void **state)
{
    (void)state;
    assert_true(suppress_match("*", ""));
    assert_true(suppress_match("*", "anything"));
    assert_true(suppress_match("^*$", "anything"));
    assert_true(suppress_match("src/*.c", "/home/u/src/net/conn.c"));
    assert_false(suppress_match("src/*.c", "/home/u/src/net/conn.h"));
    assert_true(suppress_match("^worker_*_loop$", "worker_a_loop"));
    assert_true(suppress_match("^worker_*_loop$", "worker__loop"));
    assert_false(suppress_match("^worker_*_loop$", "worker_a_loops"));
    assert_true(suppress_match("a**b", "ab"));
    assert_true(suppress_match("a*b*c", "xxaxxbxxcxx"));
    assert_false(suppress_match("a*b*c", "xxcxxbxxa"));
    /* The anchored ends may not share characters. */
    assert_false(suppress_match("^ab*ba$", "aba"));
    assert_true(suppress_match("^ab*ba$", "abba"));
    assert_false(suppress_match("^a*a$", "a"));
    assert_true(suppress_match("^a*a$", "aa"));
    /* The earliest place of a middle segment leaves room for the rest. */
    assert_true(suppress_match("^a*b*b$", "abxbxb"));
}

/* ---------------------------------------------------------------- files */

static void test_load_rules(void **state)
{
    (void)state;
    load_ok("# known races, see issue 12\n"
            "\n"
            "race:worker\n"
            "   \t\n"
            "  # an indented comment\n"
            "  deadlock :  ^lock_both$  \r\n"
            "leak:spawn_*\n"
            "misuse:src/legacy/\n"
            "called_from_lib:libthirdparty.so"); /* no final newline */
    assert_true(suppress_enabled());
    assert_string_equal(rules_listed(), "3 race:worker 0\n"
                                        "6 deadlock:^lock_both$ 0\n"
                                        "7 leak:spawn_* 0\n"
                                        "8 misuse:src/legacy/ 0\n"
                                        "9 called_from_lib:libthirdparty.so 0\n");
    /* Comments only: loaded, nothing to match. */
    load_ok("# nothing yet\n\n");
    assert_false(suppress_enabled());
    assert_string_equal(rules_listed(), "");
}

static void test_load_errors(void **state)
{
    (void)state;
    char want[1024];
    char *out = load_fails("race:ok\n\nrase:worker\n");
    snprintf(want, sizeof(want),
             "crace: suppressions file %s:3: unknown type 'rase' (expected race, deadlock, leak, misuse or "
             "called_from_lib)\n",
             path);
    assert_string_equal(out, want);
    free(out);

    out = load_fails("# a comment\nworker\n");
    snprintf(want, sizeof(want),
             "crace: suppressions file %s:2: 'worker' is not a rule: expected TYPE:PATTERN, e.g. race:my_function\n",
             path);
    assert_string_equal(out, want);
    free(out);

    out = load_fails("deadlock:   \n");
    snprintf(want, sizeof(want),
             "crace: suppressions file %s:1: empty pattern after 'deadlock:': expected TYPE:PATTERN, e.g. "
             "deadlock:my_function\n",
             path);
    assert_string_equal(out, want);
    free(out);

    out = load_fails(":worker\n");
    snprintf(want, sizeof(want),
             "crace: suppressions file %s:1: unknown type '' (expected race, deadlock, leak, misuse or "
             "called_from_lib)\n",
             path);
    assert_string_equal(out, want);
    free(out);

    /* ThreadSanitizer's other types are not crace's: an error, not a rule
     * silently ignored. Every bad line is named. */
    out = load_fails("race_top:worker\nrace:fine\nthread:pool\n");
    snprintf(want, sizeof(want),
             "crace: suppressions file %s:1: unknown type 'race_top' (expected race, deadlock, leak, misuse or "
             "called_from_lib)\n"
             "crace: suppressions file %s:3: unknown type 'thread' (expected race, deadlock, leak, misuse or "
             "called_from_lib)\n",
             path, path);
    assert_string_equal(out, want);
    free(out);

    /* A long bad line is cut in the message. */
    char line[300];
    memset(line, 'x', 200);
    strcpy(line + 200, "\n");
    out = load_fails(line);
    assert_non_null(strstr(out, ":1: 'xxxxxxxxxx"));
    assert_non_null(strstr(out, "x...' is not a rule"));
    assert_true(strlen(out) < 250);
    free(out);
}

static void test_load_too_many_errors(void **state)
{
    (void)state;
    char text[256] = "";
    for (int i = 0; i < 15; i++)
        strcat(text, "bad\n");
    char *out = load_fails(text);
    int lines = 0;
    for (const char *p = out; (p = strstr(p, "is not a rule")) != NULL; p++)
        lines++;
    assert_int_equal(lines, 10);
    char want[128];
    snprintf(want, sizeof(want), "crace: suppressions file %s: too many errors, giving up\n", path);
    assert_non_null(strstr(out, want));
    assert_null(strstr(out, ":11:"));
    free(out);
}

static void test_load_unreadable(void **state)
{
    (void)state;
    struct load_arg a = {"/nonexistent/crace-supp.txt", true};
    char *out = det_capture_stderr(load_into, &a);
    assert_false(a.ok);
    assert_string_equal(out, "crace: cannot read suppressions file '/nonexistent/crace-supp.txt': No such file or "
                             "directory\n");
    free(out);
    a.path = "no-such-crace-supp.txt";
    out = det_capture_stderr(load_into, &a);
    assert_false(a.ok);
    assert_string_equal(out, "crace: cannot read suppressions file 'no-such-crace-supp.txt': No such file or "
                             "directory\n");
    free(out);
}

/* A relative path missing from the current directory is looked for next
 * to the executable. */
static void test_load_next_to_executable(void **state)
{
    (void)state;
    char exe[4096], name[64], full[4200], cwd[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    assert_true(n > 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    snprintf(name, sizeof(name), "crace-test-supp-%d.txt", (int)getpid());
    snprintf(full, sizeof(full), "%s/%s", exe, name);
    FILE *fp = fopen(full, "w");
    assert_non_null(fp);
    fputs("race:beside_the_executable\n", fp);
    fclose(fp);
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir("/"), 0);
    bool ok = suppress_load(name);
    assert_int_equal(chdir(cwd), 0);
    unlink(full);
    assert_true(ok);
    assert_string_equal(rules_listed(), "1 race:beside_the_executable 0\n");
}

/* ---------------------------------------------------------------- findings */

static void test_kinds(void **state)
{
    (void)state;
    uintptr_t pc = suppressible_function();
    static const struct {
        const char *type;
        bool covers[REPORT_KIND_COUNT];
    } cases[] = {
        {"race", {[REPORT_DATA_RACE] = true, [REPORT_HEAP_USE_AFTER_FREE] = true}},
        {"deadlock", {[REPORT_DEADLOCK] = true, [REPORT_POTENTIAL_DEADLOCK] = true}},
        {"leak", {[REPORT_GOROUTINE_LEAK] = true}},
        {"misuse", {[REPORT_MISUSE] = true, [REPORT_BUSY_SELECT] = true}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[128];
        snprintf(text, sizeof(text), "%s:suppressible_function\n", cases[i].type);
        load_ok(text);
        uint64_t expect = 0;
        for (int k = 0; k < REPORT_KIND_COUNT; k++) {
            bool hit = suppress_finding(finding((enum report_kind)k, &pc, NULL));
            if (hit != cases[i].covers[k])
                fail_msg("%s: kind %d %s", cases[i].type, k, hit ? "suppressed" : "not suppressed");
            expect += hit;
        }
        assert_int_equal(suppress_count(), expect);
    }
    /* called_from_lib covers every kind, the first stack's modules only:
     * this program is the module here. */
    load_ok("called_from_lib:test_det_suppress\n");
    for (int k = 0; k < REPORT_KIND_COUNT; k++)
        assert_true(suppress_finding(finding((enum report_kind)k, &pc, NULL)));
    assert_false(suppress_finding(finding(REPORT_DATA_RACE, NULL, &pc)));
    load_ok("called_from_lib:suppressible_function\n"); /* a function, not a module */
    assert_false(suppress_finding(finding(REPORT_DATA_RACE, &pc, NULL)));
}

static void test_frames(void **state)
{
    (void)state;
    uintptr_t pc = suppressible_function(), other = other_function();
    /* Function (anchored), file (as printed and in full), module. */
    static const char *const matching[] = {
        "race:^suppressible_function$",
        "race:suppressible_func",
        "race:test_det_suppress.c",
        "race:tests/unit/test_det_suppress.c$",
        "race:unit/*_suppress.c",
        "race:test_det_suppress$", /* the executable */
    };
    for (size_t i = 0; i < sizeof(matching) / sizeof(matching[0]); i++) {
        load_ok(matching[i]);
        if (!suppress_finding(finding(REPORT_DATA_RACE, &pc, NULL)))
            fail_msg("%s does not match", matching[i]);
    }
    load_ok("race:^suppressible$\nrace:no_such_function\nrace:^test_det_suppress.c\n");
    assert_false(suppress_finding(finding(REPORT_DATA_RACE, &pc, NULL)));
    /* Any stack: here the second. */
    load_ok("race:suppressible_function\n");
    assert_true(suppress_finding(finding(REPORT_DATA_RACE, &other, &pc)));
    assert_false(suppress_finding(finding(REPORT_DATA_RACE, &other, &other)));
    assert_false(suppress_finding(finding(REPORT_DATA_RACE, NULL, NULL)));
}

static void test_global_name(void **state)
{
    (void)state;
    static struct report r;
    memset(&r, 0, sizeof(r));
    r.kind = REPORT_DATA_RACE;
    r.loc.kind = LOC_GLOBAL;
    snprintf(r.loc.name, sizeof(r.loc.name), "approximate_counter");
    load_ok("race:^approximate_counter$\n");
    struct crace_finding *f = finding(REPORT_DATA_RACE, NULL, NULL);
    f->race = &r;
    assert_true(suppress_finding(f));
    r.loc.kind = LOC_HEAP; /* the name is a global's only */
    assert_false(suppress_finding(f));
    r.loc.kind = LOC_GLOBAL;
    load_ok("deadlock:approximate_counter\ncalled_from_lib:approximate_counter\n");
    assert_false(suppress_finding(f));
}

static void test_hits_first_rule(void **state)
{
    (void)state;
    uintptr_t pc = suppressible_function(), other = other_function();
    load_ok("race:nothing_matches\n"
            "race:suppressible_*\n"
            "race:^suppressible_function$\n"
            "deadlock:other_function\n");
    assert_true(suppress_finding(finding(REPORT_DATA_RACE, &pc, NULL)));
    assert_true(suppress_finding(finding(REPORT_DATA_RACE, &pc, NULL)));
    assert_true(suppress_finding(finding(REPORT_POTENTIAL_DEADLOCK, &other, NULL)));
    assert_false(suppress_finding(finding(REPORT_DATA_RACE, &other, NULL)));
    assert_int_equal(suppress_count(), 3);
    assert_string_equal(rules_listed(), "1 race:nothing_matches 0\n"
                                        "2 race:suppressible_* 2\n"
                                        "3 race:^suppressible_function$ 0\n"
                                        "4 deadlock:other_function 1\n");
    /* Loading again starts over. */
    load_ok("race:suppressible_function\n");
    assert_int_equal(suppress_count(), 0);
}

/* ---------------------------------------------------------------- reports */

static void emit(void *arg)
{
    struct crace_finding *f = arg;
    report_emit_finding(f, "REPORTED\n", 9);
}

static void test_emit_suppressed(void **state)
{
    (void)state;
    uintptr_t pc = suppressible_function(), other = other_function();
    load_ok("misuse:suppressible_function\n");
    crace_opts.halt_on_error = true; /* would exit this process */
    uint64_t before = report_total();
    char *out = det_capture_stderr(emit, finding(REPORT_MISUSE, &pc, NULL));
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(report_total(), before);
    assert_int_equal(suppress_count(), 1);
    crace_opts.halt_on_error = false;
    out = det_capture_stderr(emit, finding(REPORT_MISUSE, &other, NULL));
    assert_string_equal(out, "REPORTED\n");
    free(out);
    assert_int_equal(report_total(), before + 1);
}

static void emit_race(void *arg)
{
    assert_true(report_emit(arg));
}

/* A data race builds its finding for the rules even without json_path. */
static void test_emit_race_suppressed(void **state)
{
    (void)state;
    static struct report r;
    memset(&r, 0, sizeof(r));
    r.kind = REPORT_DATA_RACE;
    r.access[0] = (struct report_access){.addr = 0x1000, .size = 4, .is_write = true, .gid = 1};
    r.access[0].stack.pcs[0] = other_function();
    r.access[0].stack.n = 1;
    r.access[1] = (struct report_access){.addr = 0x1000, .size = 4, .gid = 2};
    r.access[1].stack.pcs[0] = suppressible_function();
    r.access[1].stack.n = 1;
    load_ok("race:suppressible_function\n");
    uint64_t before = report_count(REPORT_DATA_RACE);
    char *out = det_capture_stderr(emit_race, &r);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(report_count(REPORT_DATA_RACE), before);
    assert_int_equal(suppress_count(), 1);
}

static void summary(void *arg)
{
    (void)arg;
    report_print_summary();
}

static void test_summary(void **state)
{
    (void)state;
    uintptr_t pc = suppressible_function();
    load_ok("race:suppressible_function\n# unused ones:\nleak:nobody\nmisuse:nobody_either\n");
    char file[64];
    snprintf(file, sizeof(file), "%s", path);
    /* Findings let through by earlier tests print "Found ..." lines
     * first; only crace's own lines are compared. */
    char *out = det_capture_stderr(summary, NULL);
    assert_null(strstr(out, "crace: ")); /* nothing suppressed, unused not asked for */
    free(out);
    assert_true(suppress_finding(finding(REPORT_DATA_RACE, &pc, NULL)));
    assert_true(suppress_finding(finding(REPORT_DATA_RACE, &pc, NULL)));
    crace_opts.report_unused_suppressions = true;
    out = det_capture_stderr(summary, NULL);
    char want[512];
    snprintf(want, sizeof(want),
             "crace: 2 finding(s) suppressed\n"
             "crace: unused suppression %s:3: leak:nobody\n"
             "crace: unused suppression %s:4: misuse:nobody_either\n",
             file, file);
    assert_non_null(strstr(out, "crace: "));
    assert_string_equal(strstr(out, "crace: "), want);
    free(out);
}

/* Memory annotated benign (AnnotateBenignRaceSized): an address inside
 * a range is benign, the byte past its end is not, and ranges add up. */
static void test_benign_ranges(void **state)
{
    (void)state;
    static char mem[64];
    uintptr_t a = (uintptr_t)mem;
    assert_false(suppress_benign(a + 8));
    suppress_benign_add(a + 8, 4);
    suppress_benign_add(a + 40, 0); /* empty: nothing */
    assert_false(suppress_benign(a + 7));
    assert_true(suppress_benign(a + 8));
    assert_true(suppress_benign(a + 11));
    assert_false(suppress_benign(a + 12));
    assert_false(suppress_benign(a + 40));
    suppress_benign_add(a + 32, 8);
    assert_true(suppress_benign(a + 39));
    assert_true(suppress_benign(a + 9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_match_substring, setup),
        cmocka_unit_test_setup(test_match_anchors, setup),
        cmocka_unit_test_setup(test_match_wildcards, setup),
        cmocka_unit_test_setup(test_load_rules, setup),
        cmocka_unit_test_setup(test_load_errors, setup),
        cmocka_unit_test_setup(test_load_too_many_errors, setup),
        cmocka_unit_test_setup(test_load_unreadable, setup),
        cmocka_unit_test_setup(test_load_next_to_executable, setup),
        cmocka_unit_test_setup(test_kinds, setup),
        cmocka_unit_test_setup(test_frames, setup),
        cmocka_unit_test_setup(test_global_name, setup),
        cmocka_unit_test_setup(test_hits_first_rule, setup),
        cmocka_unit_test_setup(test_emit_suppressed, setup),
        cmocka_unit_test_setup(test_emit_race_suppressed, setup),
        cmocka_unit_test_setup(test_summary, setup),
        cmocka_unit_test(test_benign_ranges),
    };
    DET_RUN_TESTS_IN_CHILD(tests);
}
