/* Unit tests of detector/stackdepot.c: each distinct stack stored once,
 * ids stable, concurrent insertion safe. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stackdepot.h"

static void test_same_stack_same_id(void **state)
{
    (void)state;
    uintptr_t a[] = {0x10, 0x20, 0x30};
    uintptr_t b[] = {0x10, 0x20, 0x31};
    stack_id ia = depot_put(a, 3), ib = depot_put(b, 3);
    assert_int_not_equal(ia, 0);
    assert_int_not_equal(ia, ib);
    assert_int_equal(depot_put(a, 3), ia);
    assert_int_not_equal(depot_put(a, 2), ia); /* a prefix is another stack */
    size_t n;
    const uintptr_t *p = depot_get(ib, &n);
    assert_int_equal(n, 3);
    assert_int_equal(p[2], 0x31);
}

static void test_empty_and_unknown(void **state)
{
    (void)state;
    size_t n = 99;
    assert_int_equal(depot_put(NULL, 0), 0);
    assert_null(depot_get(0, &n));
    assert_int_equal(n, 0);
    assert_null(depot_get(0x7fffffff, &n));
}

static void test_long_stack_truncated(void **state)
{
    (void)state;
    uintptr_t pcs[STACK_MAX_FRAMES + 10];
    for (size_t i = 0; i < STACK_MAX_FRAMES + 10; i++)
        pcs[i] = 0x1000 + i;
    size_t n;
    const uintptr_t *p = depot_get(depot_put(pcs, STACK_MAX_FRAMES + 10), &n);
    assert_int_equal(n, STACK_MAX_FRAMES);
    assert_int_equal(p[0], 0x1000);
}

#define THREADS 4
#define STACKS 2000

static void *inserter(void *arg)
{
    stack_id *ids = arg;
    for (uintptr_t i = 0; i < STACKS; i++) {
        uintptr_t pcs[2] = {0x5000, 0x6000 + i};
        ids[i] = depot_put(pcs, 2);
    }
    return NULL;
}

static void test_concurrent_inserts_agree(void **state)
{
    (void)state;
    static stack_id ids[THREADS][STACKS];
    pthread_t th[THREADS];
    size_t before = depot_count();
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, inserter, ids[i]);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    for (int i = 1; i < THREADS; i++)
        for (int k = 0; k < STACKS; k++)
            assert_int_equal(ids[i][k], ids[0][k]);
    /* Thread creation stacks may be stored too; ours were stored once. */
    assert_true(depot_count() - before >= STACKS);
    assert_true(depot_count() - before < STACKS + 64);
}

/* Stacks of every length, more of them than one of the depot's mappings
 * holds (1 MiB: about 3,700 of 64 frames): each comes back whole, also the
 * ones stored where a mapping ran out. */
static void test_many_stacks_kept_whole(void **state)
{
    (void)state;
    enum { MANY = 20000 };
    static stack_id ids[MANY];
    uintptr_t pcs[STACK_MAX_FRAMES];
    for (int i = 0; i < MANY; i++) {
        size_t n = 1 + (size_t)i % STACK_MAX_FRAMES;
        for (size_t k = 0; k < n; k++)
            pcs[k] = 0x7000000 + (uintptr_t)i * 0x100 + k;
        ids[i] = depot_put(pcs, n);
        assert_int_not_equal(ids[i], 0);
    }
    for (int i = 0; i < MANY; i++) {
        size_t n, want = 1 + (size_t)i % STACK_MAX_FRAMES;
        const uintptr_t *p = depot_get(ids[i], &n);
        assert_non_null(p);
        assert_int_equal(n, want);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(p[k], 0x7000000 + (uintptr_t)i * 0x100 + k);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_stack_same_id),
        cmocka_unit_test(test_empty_and_unknown),
        cmocka_unit_test(test_long_stack_truncated),
        cmocka_unit_test(test_concurrent_inserts_agree),
        cmocka_unit_test(test_many_stacks_kept_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
