/*
 * test_det_report_json.c: the JSON records of findings
 * (detector/report_json.c, docs/report-format.md).
 *
 * Strings are escaped as JSON wants (quotes, backslashes, control
 * characters), invalid UTF-8 becomes U+FFFD, NULs are dropped, valid
 * multi-byte sequences stay. A hand-built race record has every member
 * the schema requires, in one line ending with "\n": its accesses (one
 * stack symbolized to this file, one lost: null), no location, the
 * titled stacks taken from the text's headings, the dedup key sorted, the
 * text escaped. A record that does not fit the buffer says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"
#include "report_json.h"

static const char *escape(const char *s, size_t n)
{
    static char out[1024];
    struct sbuf b = {out, sizeof(out), 0};
    out[0] = '\0';
    json_put_string(&b, s, n);
    return out;
}

static void test_escape(void **state)
{
    (void)state;
    assert_string_equal(escape("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
    assert_string_equal(escape("l1\nl2\t\r", 7), "\"l1\\nl2\\t\\r\"");
    assert_string_equal(escape("\x01\x1f\x7f", 3), "\"\\u0001\\u001f\\u007f\"");
    assert_string_equal(escape("a\0b", 3), "\"ab\"");
    assert_string_equal(escape("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9), "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
    /* A lone continuation byte, a cut sequence, an overlong form, a surrogate. */
    assert_string_equal(escape("\x80", 1), "\"\xef\xbf\xbd\"");
    assert_string_equal(escape("x\xe2\x82", 3), "\"x\xef\xbf\xbd\xef\xbf\xbd\"");
    assert_string_equal(escape("\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
    assert_string_equal(escape("\xed\xa0\x80", 3), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    assert_string_equal(escape("", 0), "\"\"");
}

static __attribute__((noinline)) uintptr_t here(void)
{
    return (uintptr_t)__builtin_return_address(0);
}

static void test_race_record(void **state)
{
    (void)state;
    struct report r;
    memset(&r, 0, sizeof(r));
    r.kind = REPORT_DATA_RACE;
    r.access[0] = (struct report_access){.addr = 0x7b0400000010, .size = 4, .is_write = true, .gid = 3};
    r.access[0].stack.pcs[0] = here();
    r.access[0].stack.n = 1;
    r.access[1] = (struct report_access){.addr = 0x7b0400000010, .size = 4, .gid = 1};
    r.access[1].stack.restore_failed = true;

    static struct crace_finding f;
    finding_init(&f, REPORT_DATA_RACE, NULL);
    f.race = &r;
    f.key_keep_dups = true;
    finding_key(&f, "z.c:2");
    finding_key(&f, "a.c:1");
    snprintf(f.message, sizeof(f.message), "Data race between write at a.c:1 and read at z.c:2");
    char text[256];
    struct sbuf b = {text, sizeof(text), 0};
    sb_printf(&b, "==================\nWARNING: DATA RACE\nWrite at 0x7b0400000010 by goroutine 3:\n");
    finding_stack(&f, &b, 3, r.access[0].stack.pcs, 1);
    sb_printf(&b, "  here()\n\nPrevious read at 0x7b0400000010 by main goroutine:\n");
    finding_stack(&f, &b, 1, NULL, 0);
    sb_printf(&b, "  [failed to restore the stack]\n==================\n");
    struct finding_goroutine *g = finding_goroutine(&f, 3, "running");
    g->created_by = 1;
    assert_ptr_equal(finding_goroutine(&f, 3, "finished"), g); /* one entry per goroutine */

    static char rec[64 * 1024];
    size_t n = report_json_render(&f, text, b.len, rec, sizeof(rec));
    assert_true(n < sizeof(rec));
    assert_int_equal(strlen(rec), n);
    assert_int_equal(rec[n - 1], '\n');
    assert_null(memchr(rec, '\n', n - 1)); /* one line */
    assert_int_equal(strncmp(rec, "{\"schema\":\"crace-report/1\",\"kind\":\"data_race\",\"title\":\"DATA RACE\",", 66), 0);
    static const char *const want[] = {
        "\"message\":\"Data race between write at a.c:1 and read at z.c:2\"",
        "\"dedup_key\":\"a.c:1|z.c:2\"",
        "\"time\":\"20",
        "\"process\":{\"pid\":",
        "\"argv\":[\"",
        "\"goroutines\":[{\"id\":3,\"state\":\"running\",\"created_by\":1,\"created_at\":null}]",
        "\"accesses\":[{\"role\":\"current\",\"address\":\"0x7b0400000010\",\"size\":4,\"write\":true,"
        "\"atomic\":false,\"goroutine\":3,\"stack\":[{\"function\":\"test_race_record\",\"file\":\"",
        "test_det_report_json.c\",\"line\":",
        "{\"role\":\"previous\",\"address\":\"0x7b0400000010\",\"size\":4,\"write\":false,\"atomic\":false,"
        "\"goroutine\":1,\"stack\":null}]",
        "\"location\":null",
        "\"stacks\":[{\"title\":\"Write at 0x7b0400000010 by goroutine 3\",\"goroutine\":3,\"frames\":[{",
        "{\"title\":\"Previous read at 0x7b0400000010 by main goroutine\",\"goroutine\":1,\"frames\":null}]",
        "\"text\":\"==================\\nWARNING: DATA RACE\\nWrite at",
        "[failed to restore the stack]\\n==================\\n\"}\n",
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (!strstr(rec, want[i]))
            fail_msg("no %s in %s", want[i], rec);

    /* Too small a buffer: cap, never a cut record. */
    char small[128];
    assert_int_equal(report_json_render(&f, text, b.len, small, sizeof(small)), sizeof(small));
}

static void test_where(void **state)
{
    (void)state;
    uintptr_t pcs[1] = {here()};
    char at[256], key[512];
    assert_true(finding_where(pcs, 1, false, at, sizeof(at), key, sizeof(key)));
    assert_non_null(strstr(at, "test_det_report_json.c:"));
    assert_null(strchr(at, '/'));
    assert_false(finding_where(NULL, 0, false, at, sizeof(at), key, sizeof(key)));
    assert_string_equal(at, "?");
    assert_string_equal(key, "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_race_record),
        cmocka_unit_test(test_where),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
