/*
 * test_det_report.c: reports in Go's layout (detector/report.c) and the
 * report stream (detector/output.c).
 *
 * Hand-built reports are rendered and compared with the exact text:
 * fences, the WARNING line, access lines (read, write, atomic, previous,
 * free as a write, main / numbered / unknown goroutine, 12-digit
 * addresses), "[failed to restore the stack]", the location paragraphs
 * (heap, global, stack, TLS, none) and the goroutine paragraphs (running,
 * finished, slot reused; none for the main goroutine). Real pcs taken in
 * this file symbolize to this file's functions and lines, inlined frames
 * first; strip_path_prefix shortens them; the C library's start-up frames
 * are left out. report_describe_location finds heap blocks (the real heap
 * table), the main goroutine's stack (the real thread registry) and this
 * program's own globals (the ELF symbol table). Rendering truncates
 * safely.
 *
 * report_emit prints one report per pair of code locations, in either
 * order, counts them, prints "Found N data race(s)", and computes the exit
 * status; halt_on_error exits at once with exitcode. The stream goes to
 * PREFIX.PID (a forked child writes its own file), to stdout, or to
 * stderr; an unwritable log_path stops the program with a message.
 *
 * The program links the whole detector, which is active in it: every
 * report is emitted in a forked child, so that this process ends with no
 * findings and its exit status stays cmocka's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "heap.h"
#include "options.h"
#include "report.h"
#include "rt.h"
#include "stackdepot.h"
#include "thread.h"

/* ---------------------------------------------------------------- pcs */

uint64_t crace_test_global_var = 1; /* a global of this program, for locations */
static uintptr_t start_pc;          /* main's return address: C library start-up */

/* The volatile asm keeps the compiler from taking this for a const
 * function and merging two calls of it. */
static CRACE_NOINLINE uintptr_t caller_pc(void)
{
    __asm__ __volatile__("");
    return (uintptr_t)__builtin_return_address(0);
}

/* The pc of a call in racy_function, at *line. */
static CRACE_NOINLINE uintptr_t racy_function(int *line)
{
    *line = __LINE__ + 1;
    volatile uintptr_t pc = caller_pc();
    return pc;
}

static inline __attribute__((always_inline)) uintptr_t inlined_helper(int *line)
{
    *line = __LINE__ + 1;
    volatile uintptr_t pc = caller_pc();
    return pc;
}

/* A pc inside inlined_helper's body inlined into outer_function. */
static CRACE_NOINLINE uintptr_t outer_function(int *inner_line, int *outer_line)
{
    *outer_line = __LINE__ + 1;
    volatile uintptr_t pc = inlined_helper(inner_line);
    return pc;
}

/* ---------------------------------------------------------------- helpers */

static char text[1 << 16];

static const char *render(const struct report *r)
{
    size_t n = report_render_text(r, text, sizeof(text));
    assert_int_equal(n, strlen(text));
    return text;
}

/* fnmatch pattern match, printing both on failure. */
static void assert_matches(const char *s, const char *pattern)
{
    if (fnmatch(pattern, s, 0) != 0) {
        print_error("text:\n%s\ndoes not match:\n%s\n", s, pattern);
        fail();
    }
}

static struct report race(uintptr_t addr, uint64_t gid, uint64_t prev_gid)
{
    struct report r;
    memset(&r, 0, sizeof(r));
    r.kind = REPORT_DATA_RACE;
    r.access[0] = (struct report_access){.addr = addr, .size = 4, .is_write = true, .gid = gid};
    r.access[1] = (struct report_access){.addr = addr, .size = 4, .gid = prev_gid};
    r.access[0].stack.restore_failed = true;
    r.access[1].stack.restore_failed = true;
    return r;
}

static void set_pcs(struct report_stack *s, const uintptr_t *pcs, size_t n)
{
    memcpy(s->pcs, pcs, n * sizeof(pcs[0]));
    s->n = n;
    s->restore_failed = false;
}

static int setup(void **state)
{
    (void)state;
    options_set_defaults(&crace_opts);
    return 0;
}

/* ---------------------------------------------------------------- layout */

static void test_layout_exact(void **state)
{
    (void)state;
    struct report r = race(0x7b0400000010, 3, 1);
    r.loc = (struct report_location){.kind = LOC_HEAP, .start = 0x7b0400000010, .size = 4, .gid = 1};
    r.goroutine[0] = (struct report_goroutine){.gid = 3, .known = true};
    r.goroutine[1] = (struct report_goroutine){.gid = 1, .known = true};
    r.n_goroutines = 2;
    assert_string_equal(render(&r), "==================\n"
                                     "WARNING: DATA RACE\n"
                                     "Write at 0x7b0400000010 by goroutine 3:\n"
                                     "  [failed to restore the stack]\n"
                                     "\n"
                                     "Previous read at 0x7b0400000010 by main goroutine:\n"
                                     "  [failed to restore the stack]\n"
                                     "\n"
                                     "Location is heap block of size 4 at 0x7b0400000010 allocated by "
                                     "main goroutine:\n"
                                     "\n"
                                     "Goroutine 3 (running) created at:\n"
                                     "==================\n");
}

static void test_access_titles(void **state)
{
    (void)state;
    struct report r = race(0x1234, 2, 5);
    r.access[0].is_atomic = true;
    r.access[1].is_write = true;
    r.access[1].is_atomic = true;
    assert_string_equal(render(&r), "==================\n"
                                     "WARNING: DATA RACE\n"
                                     "Atomic write at 0x000000001234 by goroutine 2:\n"
                                     "  [failed to restore the stack]\n"
                                     "\n"
                                     "Previous atomic write at 0x000000001234 by goroutine 5:\n"
                                     "  [failed to restore the stack]\n"
                                     "==================\n");
    r.access[0].is_write = false;
    r.access[1].is_write = false;
    render(&r);
    assert_non_null(strstr(text, "\nAtomic read at 0x000000001234 by goroutine 2:\n"));
    assert_non_null(strstr(text, "\nPrevious atomic read at 0x000000001234 by goroutine 5:\n"));
    /* A free is the write of the whole block. */
    r = race(0x1234, 1, 4);
    r.access[0].is_write = false;
    r.access[1].is_free = true;
    render(&r);
    assert_non_null(strstr(text, "\nRead at 0x000000001234 by main goroutine:\n"));
    assert_non_null(strstr(text, "\nPrevious write at 0x000000001234 by goroutine 4:\n"));
    /* A previous access whose owner is no longer known. */
    r = race(0x1234, 2, 0);
    render(&r);
    assert_non_null(strstr(text, "\nPrevious read at 0x000000001234 by unknown goroutine:\n"));
}

static void test_empty_stack_prints_nothing(void **state)
{
    (void)state;
    struct report r = race(0x10, 2, 3);
    r.access[1].stack.restore_failed = false;
    r.access[1].stack.n = 0;
    assert_string_equal(render(&r), "==================\n"
                                     "WARNING: DATA RACE\n"
                                     "Write at 0x000000000010 by goroutine 2:\n"
                                     "  [failed to restore the stack]\n"
                                     "\n"
                                     "Previous read at 0x000000000010 by goroutine 3:\n"
                                     "==================\n");
}

static void test_locations(void **state)
{
    (void)state;
    struct report r = race(0x7f0000001008, 2, 3);
    r.loc = (struct report_location){.kind = LOC_HEAP, .start = 0x7f0000001000, .size = 64, .gid = 7,
                                     .freed = true};
    render(&r);
    assert_non_null(strstr(text, "\n\nLocation is freed heap block of size 64 at 0x7f0000001000 "
                                 "allocated by goroutine 7:\n==================\n"));
    r.loc = (struct report_location){.kind = LOC_STACK, .gid = 1};
    render(&r);
    assert_non_null(strstr(text, "\n\nLocation is stack of main goroutine.\n==================\n"));
    r.loc.gid = 4;
    render(&r);
    assert_non_null(strstr(text, "\n\nLocation is stack of goroutine 4.\n==================\n"));
    r.loc = (struct report_location){.kind = LOC_TLS, .gid = 5};
    render(&r);
    assert_non_null(strstr(text, "\n\nLocation is TLS of goroutine 5.\n==================\n"));
    /* A global outside any module: no module offset to show. */
    r.loc = (struct report_location){.kind = LOC_GLOBAL, .start = 0x10, .size = 8, .name = "counter",
                                     .module = "/usr/bin/prog"};
    render(&r);
    assert_non_null(strstr(text, "\n\nLocation is global 'counter' of size 8 at 0x000000000010 (prog)\n"
                                 "==================\n"));
    r.loc = (struct report_location){.kind = LOC_UNKNOWN};
    render(&r);
    assert_null(strstr(text, "Location"));
}

static void test_goroutine_paragraphs(void **state)
{
    (void)state;
    struct report r = race(0x20, 3, 2);
    r.goroutine[0] = (struct report_goroutine){.gid = 3, .known = true};
    r.goroutine[1] = (struct report_goroutine){.gid = 2, .known = true, .finished = true};
    r.n_goroutines = 2;
    render(&r);
    assert_non_null(strstr(text, "  [failed to restore the stack]\n\nGoroutine 3 (running) created at:\n\n"
                                 "Goroutine 2 (finished) created at:\n==================\n"));
    /* Slot reused: finished for sure, the creation stack is gone. */
    r.goroutine[1] = (struct report_goroutine){.gid = 9, .known = false};
    render(&r);
    assert_non_null(strstr(text, "\nGoroutine 9 (finished) created at:\n  [failed to restore the stack]\n"
                                 "==================\n"));
    /* Neither the main goroutine nor an unknown one gets a paragraph. */
    r.goroutine[0] = (struct report_goroutine){.gid = 1, .known = true};
    r.goroutine[1] = (struct report_goroutine){.gid = 0, .known = false};
    render(&r);
    assert_null(strstr(text, "Goroutine"));
    /* The same goroutine twice is one paragraph. */
    r.goroutine[0] = (struct report_goroutine){.gid = 4, .known = true};
    r.goroutine[1] = r.goroutine[0];
    render(&r);
    char *first = strstr(text, "Goroutine 4 (running)");
    assert_non_null(first);
    assert_null(strstr(first + 1, "Goroutine 4"));
}

static void test_other_kinds(void **state)
{
    (void)state;
    struct report r;
    memset(&r, 0, sizeof(r));
    r.kind = REPORT_GOROUTINE_LEAK;
    r.goroutine[0] = (struct report_goroutine){.gid = 6, .known = true};
    r.n_goroutines = 1;
    assert_string_equal(render(&r), "==================\n"
                                     "WARNING: GOROUTINE LEAK\n"
                                     "\n"
                                     "Goroutine 6 (running) created at:\n"
                                     "==================\n");
}

static void test_truncation(void **state)
{
    (void)state;
    struct report r = race(0x7b0400000010, 3, 1);
    char full[4096], small[41];
    size_t n = report_render_text(&r, full, sizeof(full));
    assert_true(n > sizeof(small));
    memset(small, 'x', sizeof(small));
    assert_int_equal(report_render_text(&r, small, sizeof(small)), sizeof(small) - 1);
    assert_int_equal(small[sizeof(small) - 1], '\0');
    assert_memory_equal(small, full, sizeof(small) - 1);
    assert_int_equal(report_render_text(&r, small, 0), 0);
    assert_int_equal(report_render_text(&r, small, 1), 0);
    assert_int_equal(small[0], '\0');
}

/* ---------------------------------------------------------------- symbols */

static void test_real_frames(void **state)
{
    (void)state;
    int racy_line, here_line;
    uintptr_t pcs[3];
    pcs[0] = racy_function(&racy_line);
    here_line = __LINE__ + 1;
    pcs[1] = caller_pc();
    pcs[2] = start_pc; /* __libc_start_call_main: left out */
    struct report r = race(0x7b0400000010, 3, 2);
    set_pcs(&r.access[0].stack, pcs, 3);
    render(&r);
    char pattern[2048];
    snprintf(pattern, sizeof(pattern),
             "==================\n"
             "WARNING: DATA RACE\n"
             "Write at 0x7b0400000010 by goroutine 3:\n"
             "  racy_function()\n"
             "      *tests/unit/test_det_report.c:%d +0x*\n"
             "  test_real_frames()\n"
             "      *tests/unit/test_det_report.c:%d +0x*\n"
             "\n"
             "Previous read at 0x7b0400000010 by goroutine 2:\n"
             "  \\[failed to restore the stack\\]\n"
             "==================\n",
             racy_line, here_line);
    assert_matches(text, pattern);
    assert_null(strstr(text, "__libc_start"));
    assert_null(strstr(text, "+0x\n"));

    /* strip_path_prefix: everything up to this file's name. */
    const char *file = strstr(text, "  racy_function()\n      ");
    assert_non_null(file);
    file += strlen("  racy_function()\n      ");
    const char *name = strstr(file, "test_det_report.c:");
    assert_non_null(name);
    char prefix[1024];
    snprintf(prefix, sizeof(prefix), "%.*s", (int)(name - file), file);
    crace_opts.strip_path_prefix = prefix;
    render(&r);
    snprintf(pattern, sizeof(pattern), "*\n  racy_function()\n      test_det_report.c:%d +0x*", racy_line);
    assert_matches(text, pattern);
    /* Without its trailing slash, the slash is dropped all the same. */
    prefix[strlen(prefix) - 1] = '\0';
    render(&r);
    assert_matches(text, pattern);
    /* A prefix that is not one changes nothing. */
    crace_opts.strip_path_prefix = "/no/such/prefix/";
    render(&r);
    snprintf(pattern, sizeof(pattern), "*\n  racy_function()\n      %s/test_det_report.c:%d +0x*", prefix,
             racy_line);
    assert_matches(text, pattern);
}

static void test_inlined_frames(void **state)
{
    (void)state;
    int inner_line, outer_line;
    uintptr_t pc = outer_function(&inner_line, &outer_line);
    struct report r = race(0x10, 2, 3);
    set_pcs(&r.access[1].stack, &pc, 1);
    render(&r);
    char pattern[2048];
    snprintf(pattern, sizeof(pattern),
             "*\nPrevious read at 0x000000000010 by goroutine 3:\n"
             "  inlined_helper()\n"
             "      *test_det_report.c:%d +0x*\n"
             "  outer_function()\n"
             "      *test_det_report.c:%d +0x*\n"
             "==================\n",
             inner_line, outer_line);
    assert_matches(text, pattern);
}

static void test_depot_stacks(void **state)
{
    (void)state;
    int line, dummy;
    uintptr_t alloc[1] = {racy_function(&line)};
    uintptr_t create[1] = {outer_function(&dummy, &dummy)};
    struct report r = race(0x7b0400000010, 3, 2);
    r.loc = (struct report_location){.kind = LOC_HEAP, .start = 0x7b0400000000, .size = 32, .gid = 1,
                                     .stack = depot_put(alloc, 1)};
    r.goroutine[0] = (struct report_goroutine){.gid = 3, .known = true, .creation = depot_put(create, 1)};
    r.n_goroutines = 1;
    render(&r);
    char pattern[2048];
    snprintf(pattern, sizeof(pattern),
             "*\n\nLocation is heap block of size 32 at 0x7b0400000000 allocated by main goroutine:\n"
             "  racy_function()\n"
             "      *test_det_report.c:%d +0x*\n"
             "\n"
             "Goroutine 3 (running) created at:\n"
             "  inlined_helper()\n*"
             "  outer_function()\n*"
             "==================\n",
             line);
    assert_matches(text, pattern);
}

static void test_unknown_pc(void **state)
{
    (void)state;
    /* In no module: the first page is never mapped (an anonymous mapping
     * could land right after a module's .bss, which its module covers). */
    uintptr_t pc = 0x10;
    struct report r = race(0x10, 2, 3);
    set_pcs(&r.access[0].stack, &pc, 1);
    render(&r);
    assert_non_null(strstr(text, "by goroutine 2:\n  ?\?()\n      ?\?:0 +0x10\n\n"));
}

/* ---------------------------------------------------------------- describe */

static void test_describe_heap(void **state)
{
    (void)state;
    static uint64_t block[8];
    int line;
    uintptr_t pc = racy_function(&line);
    stack_id stack = depot_put(&pc, 1);
    heap_alloc((uintptr_t)block, sizeof(block), 7, stack, 0, 0);
    struct report r;
    memset(&r, 0, sizeof(r));
    report_describe_location(&r, (uintptr_t)&block[3] + 2);
    struct heap_block taken;
    assert_true(heap_take((uintptr_t)block, &taken));
    heap_take_done();
    assert_int_equal(r.loc.kind, LOC_HEAP);
    assert_int_equal(r.loc.start, (uintptr_t)block);
    assert_int_equal(r.loc.size, sizeof(block));
    assert_int_equal(r.loc.gid, 7);
    assert_int_equal(r.loc.stack, stack);
    assert_false(r.loc.freed);
}

static void test_describe_stack(void **state)
{
    (void)state;
    volatile int local = 0;
    struct report r;
    memset(&r, 0, sizeof(r));
    report_describe_location(&r, (uintptr_t)&local);
    assert_int_equal(r.loc.kind, LOC_STACK);
    assert_int_equal(r.loc.gid, 1);
    render(&r);
    assert_non_null(strstr(text, "\n\nLocation is stack of main goroutine.\n=================="));
}

static void test_describe_global(void **state)
{
    (void)state;
    struct report r;
    memset(&r, 0, sizeof(r));
    uintptr_t addr = (uintptr_t)&crace_test_global_var + 4;
    report_describe_location(&r, addr);
    assert_int_equal(r.loc.kind, LOC_GLOBAL);
    assert_string_equal(r.loc.name, "crace_test_global_var");
    assert_int_equal(r.loc.start, (uintptr_t)&crace_test_global_var);
    assert_int_equal(r.loc.size, sizeof(crace_test_global_var));
    const char *slash = strrchr(r.loc.module, '/');
    assert_non_null(slash);
    assert_string_equal(slash + 1, program_invocation_short_name);

    render(&r);
    char pattern[512];
    snprintf(pattern, sizeof(pattern), "*\n\nLocation is global 'crace_test_global_var' of size 8 at 0x%012lx (%s+0x*)\n"
             "==================\n", (unsigned long)r.loc.start, program_invocation_short_name);
    assert_matches(text, pattern);
    /* The module offset keeps the address's place in its page. */
    const char *off = strstr(text, "+0x");
    assert_non_null(off);
    unsigned long o = strtoul(off + 3, NULL, 16);
    assert_int_equal(o & 0xfff, r.loc.start & 0xfff);
}

static void test_describe_unknown(void **state)
{
    (void)state;
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(page != MAP_FAILED);
    struct report r;
    memset(&r, 0xff, sizeof(r));
    r.kind = REPORT_DATA_RACE;
    report_describe_location(&r, (uintptr_t)page + 8);
    assert_int_equal(r.loc.kind, LOC_UNKNOWN);
    assert_string_equal(r.loc.name, "");
    munmap(page, 4096);
}

/* ---------------------------------------------------------------- emit */

static char log_dir[] = "/tmp/crace-test-report-XXXXXX";
static char log_prefix[sizeof(log_dir) + 8];

/* The whole content of PREFIX.pid ("" when missing). */
static const char *read_log(pid_t pid)
{
    static char buf[1 << 17];
    char path[256];
    snprintf(path, sizeof(path), "%s.%d", log_prefix, (int)pid);
    buf[0] = '\0';
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return buf;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (; (s = strstr(s, what)) != NULL; s++)
        n++;
    return n;
}

static int setup_log(void **state)
{
    setup(state);
    crace_opts.log_path = log_prefix;
    return 0;
}

/* A check inside a child: cmocka's asserts would carry on in the child. */
#define EXPECT(cond)                                                                   \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: child check failed: %s\n", __FILE__, __LINE__, #cond); \
            return 1;                                                                  \
        }                                                                              \
    } while (0)

/* Runs fn in a forked child, where its findings stay; returns the child's
 * pid and its exit status in *status (-1 when it did not exit). */
static pid_t in_child(int (*fn)(void), int *status)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(fn());
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return pid;
}

/* Three pcs at distinct call sites of this file. */
static uintptr_t pc_a, pc_b, pc_c;

static void take_pcs(void)
{
    int line;
    pc_a = racy_function(&line);
    pc_b = caller_pc();
    pc_c = caller_pc();
    assert_true(pc_a != pc_b && pc_b != pc_c && pc_a != pc_c);
}

static int emit_pairs(void)
{
    output_init();
    EXPECT(report_total() == 0);
    EXPECT(report_exit_status(0) == 0);
    struct report r = race(0x100, 2, 3);
    set_pcs(&r.access[0].stack, &pc_a, 1);
    set_pcs(&r.access[1].stack, &pc_b, 1);
    EXPECT(report_emit(&r));
    EXPECT(!report_emit(&r));
    /* The same pair the other way round. */
    struct report swapped = r;
    swapped.access[0] = r.access[1];
    swapped.access[1] = r.access[0];
    EXPECT(!report_emit(&swapped));
    /* Another pair: a new finding. */
    set_pcs(&r.access[1].stack, &pc_c, 1);
    EXPECT(report_emit(&r));
    /* A lost previous stack counts as pc 0: once per current pc. */
    r.access[1].stack.restore_failed = true;
    EXPECT(report_emit(&r));
    EXPECT(!report_emit(&r));
    EXPECT(report_count(REPORT_DATA_RACE) == 3);
    EXPECT(report_count(REPORT_DEADLOCK) == 0);
    EXPECT(report_total() == 3);
    EXPECT(report_exit_status(0) == 66);
    EXPECT(report_exit_status(2) == 2);
    crace_opts.exitcode = 9;
    EXPECT(report_exit_status(0) == 9);
    report_print_summary();
    return 0;
}

static void test_emit_dedups_pairs(void **state)
{
    (void)state;
    static const char head[] = "==================\nWARNING: DATA RACE\nWrite at 0x000000000100 by goroutine 2:\n";
    take_pcs();
    int status;
    pid_t pid = in_child(emit_pairs, &status);
    assert_int_equal(status, 0);
    const char *log = read_log(pid);
    assert_int_equal(strncmp(log, head, strlen(head)), 0);
    assert_int_equal(count(log, "==================\nWARNING: DATA RACE\n"), 3);
    assert_int_equal(count(log, "==================\n"), 6);
    assert_non_null(strstr(log, "==================\nFound 3 data race(s)\n"));
    assert_int_equal(count(log, "Found"), 1);
}

static int emit_kinds(void)
{
    struct report r = race(0x100, 2, 3);
    set_pcs(&r.access[0].stack, &pc_a, 1);
    EXPECT(report_emit(&r));
    memset(&r, 0, sizeof(r));
    r.kind = REPORT_GOROUTINE_LEAK;
    set_pcs(&r.access[0].stack, &pc_a, 1); /* same pc, another kind */
    EXPECT(report_emit(&r));
    EXPECT(report_count(REPORT_GOROUTINE_LEAK) == 1);
    EXPECT(report_total() == 2);
    report_print_summary();
    return 0;
}

static void test_summary_other_kinds(void **state)
{
    (void)state;
    take_pcs();
    int status;
    pid_t pid = in_child(emit_kinds, &status);
    assert_int_equal(status, 0);
    const char *log = read_log(pid);
    assert_non_null(strstr(log, "==================\nWARNING: GOROUTINE LEAK\n"));
    assert_non_null(strstr(log, "==================\nFound 1 data race(s)\nFound 1 goroutine leak(s)\n"));
}

static int emit_and_halt(void)
{
    crace_opts.halt_on_error = true;
    crace_opts.exitcode = 42;
    struct report r = race(0x200, 5, 6);
    set_pcs(&r.access[0].stack, &pc_a, 1);
    set_pcs(&r.access[1].stack, &pc_b, 1);
    report_emit(&r);
    return 0; /* not reached */
}

static void test_halt_on_error(void **state)
{
    (void)state;
    take_pcs();
    output_init(); /* the parent's file is open when the child starts */
    int status;
    pid_t pid = in_child(emit_and_halt, &status);
    assert_int_equal(status, 42);
    /* The child wrote its own file, not its parent's. */
    const char *log = read_log(pid);
    assert_non_null(strstr(log, "Write at 0x000000000200 by goroutine 5:\n"));
    assert_non_null(strstr(log, "==================\nFound 1 data race(s)\n"));
    assert_string_equal(read_log(getpid()), "");
}

static void test_parent_has_no_findings(void **state)
{
    (void)state;
    assert_int_equal(report_total(), 0);
    assert_int_equal(report_exit_status(0), 0);
    assert_int_equal(report_exit_status(3), 3);
}

/* ---------------------------------------------------------------- stream */

/* Runs fn in a child with fd 1 or 2 (which) captured; returns the exit
 * status, the captured text in out. */
static int run_child(void (*fn)(void), int which, char *out, size_t outlen)
{
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pipefd[0]);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        dup2(pipefd[1], which);
        output_std_redirected(1);
        output_std_redirected(2);
        output_after_fork_child();
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

static void write_hello(void)
{
    errno = 1234;
    crace_write("hello\n", 6);
    crace_printf("n=%d\n", 5);
    if (errno != 1234) /* the program's errno is preserved */
        _exit(5);
}

static void write_stdout(void)
{
    crace_opts.log_path = "stdout";
    write_hello();
}

static void write_stderr(void)
{
    crace_opts.log_path = "stderr";
    write_hello();
}

static void test_stdout_and_stderr(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(run_child(write_stdout, 1, out, sizeof(out)), 0);
    assert_string_equal(out, "hello\nn=5\n");
    assert_int_equal(run_child(write_stdout, 2, out, sizeof(out)), 0);
    assert_string_equal(out, "");
    assert_int_equal(run_child(write_stderr, 2, out, sizeof(out)), 0);
    assert_string_equal(out, "hello\nn=5\n");
}

static void write_long(void)
{
    crace_opts.log_path = "stderr";
    static char big[20000];
    memset(big, 'y', sizeof(big) - 1);
    crace_printf("<%s>", big);
}

static void test_long_printf(void **state)
{
    (void)state;
    static char out[30000];
    assert_int_equal(run_child(write_long, 2, out, sizeof(out)), 0);
    assert_int_equal(strlen(out), 20001);
    assert_int_equal(out[0], '<');
    assert_int_equal(out[20000], '>');
    assert_int_equal(count(out, "y"), 19999);
}

/* The program closes the log file's descriptor and opens a file of its
 * own, which gets the same number: reports must not land in it. */
static int steal_log_fd(void)
{
    output_init();
    char want[256], path[64], got[256];
    snprintf(want, sizeof(want), "%s.%d", log_prefix, (int)getpid());
    int fd = -1;
    for (int i = 3; i < 1024 && fd < 0; i++) {
        snprintf(path, sizeof(path), "/proc/self/fd/%d", i);
        ssize_t n = readlink(path, got, sizeof(got) - 1);
        if (n > 0 && (got[n] = '\0', strcmp(got, want) == 0))
            fd = i;
    }
    EXPECT(fd >= 0);
    close(fd);
    char mine[300];
    snprintf(mine, sizeof(mine), "%s.program", log_prefix);
    int pfd = open(mine, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    EXPECT(pfd == fd);
    crace_printf("report after the program took the fd\n");
    struct stat st;
    EXPECT(fstat(pfd, &st) == 0 && st.st_size == 0);
    EXPECT(fcntl(pfd, F_GETFD) >= 0); /* still open: not closed by the detector */
    return 0;
}

static void test_log_fd_taken_by_program(void **state)
{
    (void)state;
    int status;
    pid_t pid = in_child(steal_log_fd, &status);
    assert_int_equal(status, 0);
    assert_string_equal(read_log(pid), "report after the program took the fd\n");
}

static void open_unwritable(void)
{
    crace_opts.log_path = "/nonexistent-crace-dir/log";
    output_init();
}

static void fatal_message(void)
{
    crace_opts.log_path = "stdout"; /* crace_fatal ignores it */
    crace_fatal("bad %s", "thing");
}

static void test_fatal(void **state)
{
    (void)state;
    char out[512];
    assert_int_equal(run_child(open_unwritable, 2, out, sizeof(out)), 1);
    assert_matches(out, "crace: cannot open log_path '/nonexistent-crace-dir/log.*': No such file or "
                        "directory\n");
    assert_int_equal(run_child(fatal_message, 2, out, sizeof(out)), 1);
    assert_string_equal(out, "crace: bad thing\n");
}

int main(void)
{
    start_pc = (uintptr_t)__builtin_return_address(0);
    if (!mkdtemp(log_dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(log_prefix, sizeof(log_prefix), "%s/log", log_dir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_layout_exact, setup),
        cmocka_unit_test_setup(test_access_titles, setup),
        cmocka_unit_test_setup(test_empty_stack_prints_nothing, setup),
        cmocka_unit_test_setup(test_locations, setup),
        cmocka_unit_test_setup(test_goroutine_paragraphs, setup),
        cmocka_unit_test_setup(test_other_kinds, setup),
        cmocka_unit_test_setup(test_truncation, setup),
        cmocka_unit_test_setup(test_real_frames, setup),
        cmocka_unit_test_setup(test_inlined_frames, setup),
        cmocka_unit_test_setup(test_depot_stacks, setup),
        cmocka_unit_test_setup(test_unknown_pc, setup),
        cmocka_unit_test_setup(test_describe_heap, setup),
        cmocka_unit_test_setup(test_describe_stack, setup),
        cmocka_unit_test_setup(test_describe_global, setup),
        cmocka_unit_test_setup(test_describe_unknown, setup),
        cmocka_unit_test_setup(test_emit_dedups_pairs, setup_log),
        cmocka_unit_test_setup(test_summary_other_kinds, setup_log),
        cmocka_unit_test_setup(test_halt_on_error, setup_log),
        cmocka_unit_test_setup(test_stdout_and_stderr, setup),
        cmocka_unit_test_setup(test_long_printf, setup),
        cmocka_unit_test_setup(test_log_fd_taken_by_program, setup_log),
        cmocka_unit_test_setup(test_fatal, setup),
        cmocka_unit_test_setup(test_parent_has_no_findings, setup),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    /* Remove the log files and their directory. */
    DIR *d = opendir(log_dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", log_dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(log_dir);
    return failed;
}
