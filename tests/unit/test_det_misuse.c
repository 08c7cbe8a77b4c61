/* Unit tests of detector/misuse.c: what the lock's own state and the
 * bookkeeping must say for an unlock or a destroy to be reported, one
 * report per (kind, code location), a condition variable's binding to the
 * mutex of the waits in progress, and the reports' layout.
 *
 * The program links the whole detector, which is active in it: the tests
 * run in a forked child, where the findings stay, so that this process
 * ends with none and its exit status is cmocka's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "det_test.h"

#include "misuse.h"
#include "report.h"
#include "stackdepot.h"
#include "thread.h"

static char objects[256];
#define OBJ(i) ((uintptr_t)&objects[(i) * 8])
/* Code locations: distinct values, never symbolized into anything. */
#define PC(i) ((uintptr_t)0x1000 + (i))

static uint64_t misuses(void)
{
    return report_count(REPORT_MISUSE);
}

static void test_unlock_needs_evidence(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    struct misuse_lock_info none = {0, 0, 0};
    struct misuse_lock_info mine = {t->gid, 0, 0};
    uint64_t before = misuses();
    /* The lock says the caller holds it: taken where the shim did not see. */
    misuse_unlock(t, MISUSE_MUTEX, "pthread_mutex_unlock", false, OBJ(0), HOLDER_CALLER, &none, PC(1));
    /* Held, by whom unknown, and the bookkeeping names nobody else. */
    misuse_unlock(t, MISUSE_SPINLOCK, "pthread_spin_unlock", false, OBJ(0), HOLDER_UNKNOWN, &none, PC(2));
    misuse_unlock(t, MISUSE_SPINLOCK, "pthread_spin_unlock", false, OBJ(0), HOLDER_UNKNOWN, &mine, PC(3));
    assert_int_equal(misuses(), before);
    /* Unlocked: reported, once per code location (its stack): a loop's
     * calls are one, another call site another. */
    for (int i = 0; i < 2; i++)
        misuse_unlock(t, MISUSE_MUTEX, "pthread_mutex_unlock", false, OBJ(i), HOLDER_NONE, &none, PC(4));
    assert_int_equal(misuses(), before + 1);
    misuse_unlock(t, MISUSE_MUTEX, "pthread_mutex_unlock", false, OBJ(0), HOLDER_NONE, &none, PC(5));
    assert_int_equal(misuses(), before + 2);
}

static void test_destroy_needs_a_holder(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    uint64_t before = misuses();
    misuse_destroy(t, MISUSE_MUTEX, "pthread_mutex_destroy", OBJ(2), HOLDER_NONE, PC(10));
    assert_int_equal(misuses(), before);
    for (int i = 0; i < 2; i++)
        misuse_destroy(t, MISUSE_MUTEX, "pthread_mutex_destroy", OBJ(2), HOLDER_OTHER, PC(10));
    assert_int_equal(misuses(), before + 1);
}

static void test_cond_binding(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    uint64_t before = misuses();
    uintptr_t cv = OBJ(3);
    misuse_cond_wait_begin(t, "pthread_cond_wait", cv, OBJ(4), 0, PC(20));
    misuse_cond_wait_begin(t, "pthread_cond_wait", cv, OBJ(4), 0, PC(21)); /* same mutex */
    assert_int_equal(misuses(), before);
    misuse_cond_wait_begin(t, "pthread_cond_wait", cv, OBJ(5), 0, PC(22)); /* another, concurrently */
    assert_int_equal(misuses(), before + 1);
    for (int i = 0; i < 3; i++)
        misuse_cond_wait_end(t, cv);
    /* No wait in progress: a new binding is allowed. */
    misuse_cond_wait_begin(t, "pthread_cond_wait", cv, OBJ(6), 0, PC(23));
    misuse_cond_wait_end(t, cv);
    misuse_cond_wait_end(t, cv); /* one too many: harmless */
    assert_int_equal(misuses(), before + 1);
}

static void not_owner(void *arg)
{
    (void)arg;
    crace_thread *t = crace_thr();
    uintptr_t pcs[1] = {(uintptr_t)&not_owner};
    struct misuse_lock_info other = {t->gid + 100, depot_put(pcs, 1), 0};
    misuse_unlock(t, MISUSE_MUTEX, "mtx_unlock", false, OBJ(7), HOLDER_OTHER, &other, PC(30));
}

static void test_report_layout(void **state)
{
    (void)state;
    char *out = det_capture_stderr(not_owner, NULL);
    char want[256];
    snprintf(want, sizeof(want),
             "==================\nWARNING: MISUSE OF MUTEX\nmtx_unlock of mutex 0x%012lx by goroutine %llu, "
             "which does not hold it:\n",
             (unsigned long)OBJ(7), (unsigned long long)crace_thr()->gid);
    assert_memory_equal(out, want, strlen(want));
    snprintf(want, sizeof(want), "\nMutex 0x%012lx is held by goroutine %llu, locked at:\n", (unsigned long)OBJ(7),
             (unsigned long long)crace_thr()->gid + 100);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "  not_owner()\n"));
    size_t n = strlen(out);
    assert_string_equal(out + n - 19, "==================\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unlock_needs_evidence),
        cmocka_unit_test(test_destroy_needs_a_holder),
        cmocka_unit_test(test_cond_binding),
        cmocka_unit_test(test_report_layout),
    };
    DET_RUN_TESTS_IN_CHILD(tests);
}
