/*
 * test_det_exec_env.c: detector/exec_env.c. A new program's environment
 * gets the shim first in LD_PRELOAD (the caller's list after it, in the
 * place of the last LD_PRELOAD, which the loader reads) and this
 * process's CRACE_OPTIONS when it has none; an environment that names
 * the shim (any copy of it) and sets its own CRACE_OPTIONS is passed as
 * it is, without a copy; nothing is added when there is nothing to add;
 * releasing a copy leaves errno alone.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exec_env.h"

#define SHIM "/opt/crace/lib/libcrace.so"

static size_t count(char *const *v)
{
    size_t n = 0;
    while (v[n])
        n++;
    return n;
}

static int setup(void **state)
{
    (void)state;
    exec_env_capture(SHIM, "json_path=/reports/run halt_on_error=1");
    return 0;
}

static void test_empty_environment_gets_both(void **state)
{
    (void)state;
    struct exec_env e;
    char *const *v = exec_env_for(NULL, &e);
    assert_non_null(v);
    assert_int_equal(count(v), 2);
    assert_string_equal(v[0], "LD_PRELOAD=" SHIM);
    assert_string_equal(v[1], "CRACE_OPTIONS=json_path=/reports/run halt_on_error=1");
    exec_env_release(&e);

    char *empty[] = {NULL};
    v = exec_env_for(empty, &e);
    assert_int_equal(count(v), 2);
    exec_env_release(&e);
}

static void test_shim_goes_first_in_the_callers_list(void **state)
{
    (void)state;
    char *env[] = {"A=1", "LD_PRELOAD=libfaketime.so", "B=2", NULL};
    struct exec_env e;
    char *const *v = exec_env_for(env, &e);
    assert_int_equal(count(v), 4);
    assert_string_equal(v[0], "A=1");
    assert_string_equal(v[1], "LD_PRELOAD=" SHIM ":libfaketime.so");
    assert_string_equal(v[2], "B=2");
    assert_string_equal(v[3], "CRACE_OPTIONS=json_path=/reports/run halt_on_error=1");
    exec_env_release(&e);
}

/* The loader reads the last LD_PRELOAD: that one must name the shim. */
static void test_last_preload_is_the_one_fixed(void **state)
{
    (void)state;
    char *env[] = {"LD_PRELOAD=" SHIM, "CRACE_OPTIONS=mine", "LD_PRELOAD=", NULL};
    struct exec_env e;
    char *const *v = exec_env_for(env, &e);
    assert_int_equal(count(v), 3);
    assert_string_equal(v[0], "LD_PRELOAD=" SHIM);
    assert_string_equal(v[1], "CRACE_OPTIONS=mine");
    assert_string_equal(v[2], "LD_PRELOAD=" SHIM);
    exec_env_release(&e);
}

static void test_complete_environment_is_passed_as_is(void **state)
{
    (void)state;
    /* Another copy of the shim counts: two would fight. The program's own
     * CRACE_OPTIONS is its choice. */
    char *env[] = {"LD_PRELOAD=libx.so /elsewhere/libcrace.so", "CRACE_OPTIONS=halt_on_error=0", NULL};
    struct exec_env e;
    assert_ptr_equal(exec_env_for(env, &e), env);
    exec_env_release(&e);
    char *similar[] = {"LD_PRELOAD=/lib/libcrace.so.1:libmycrace.so", "CRACE_OPTIONS=", NULL};
    char *const *v = exec_env_for(similar, &e);
    assert_ptr_not_equal(v, similar);
    assert_string_equal(v[0], "LD_PRELOAD=" SHIM ":/lib/libcrace.so.1:libmycrace.so");
    assert_string_equal(v[1], "CRACE_OPTIONS=");
    assert_null(v[2]);
    exec_env_release(&e);
}

static void test_nothing_to_add(void **state)
{
    (void)state;
    char *env[] = {"A=1", NULL};
    struct exec_env e;
    exec_env_capture(NULL, NULL);
    assert_ptr_equal(exec_env_for(env, &e), env);
    /* A shim path the loader would split cannot be passed. */
    exec_env_capture("/my dir/libcrace.so", NULL);
    assert_ptr_equal(exec_env_for(env, &e), env);
    exec_env_capture(NULL, "halt_on_error=1");
    char *const *v = exec_env_for(env, &e);
    assert_int_equal(count(v), 2);
    assert_string_equal(v[1], "CRACE_OPTIONS=halt_on_error=1");
    exec_env_release(&e);
    setup(NULL);
}

static void test_release_keeps_errno(void **state)
{
    (void)state;
    struct exec_env e;
    exec_env_for(NULL, &e);
    errno = ENOEXEC;
    exec_env_release(&e);
    assert_int_equal(errno, ENOEXEC);
    exec_env_release(&e); /* twice: nothing left */
    assert_int_equal(errno, ENOEXEC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_environment_gets_both),
        cmocka_unit_test(test_shim_goes_first_in_the_callers_list),
        cmocka_unit_test(test_last_preload_is_the_one_fixed),
        cmocka_unit_test(test_complete_environment_is_passed_as_is),
        cmocka_unit_test(test_nothing_to_add),
        cmocka_unit_test(test_release_keeps_errno),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
