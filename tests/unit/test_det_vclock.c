/* Unit tests of detector/vclock.c: the happens-before algebra. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vclock.h"

static void test_get_beyond_size_is_zero(void **state)
{
    (void)state;
    vclock_t a;
    vc_init(&a);
    assert_int_equal(vc_get(&a, 0), 0);
    assert_int_equal(vc_get(&a, 1000), 0);
    vc_set(&a, 3, 7);
    assert_int_equal(vc_get(&a, 3), 7);
    assert_int_equal(vc_get(&a, 2), 0);
    assert_int_equal(vc_get(&a, 4), 0);
    assert_int_equal(a.size, 4);
    vc_destroy(&a);
}

static void test_join_is_entrywise_max(void **state)
{
    (void)state;
    vclock_t a, b;
    vc_init(&a);
    vc_init(&b);
    vc_set(&a, 0, 5);
    vc_set(&a, 1, 1);
    vc_set(&b, 1, 9);
    vc_set(&b, 40, 2); /* forces a to grow */
    vc_join(&a, &b);
    assert_int_equal(vc_get(&a, 0), 5);
    assert_int_equal(vc_get(&a, 1), 9);
    assert_int_equal(vc_get(&a, 40), 2);
    assert_int_equal(vc_get(&a, 39), 0);
    /* b is untouched */
    assert_int_equal(vc_get(&b, 0), 0);
    vc_destroy(&a);
    vc_destroy(&b);
}

/* An acquire-release in one pass: both clocks end as the entry-wise
 * max, whichever of them was longer. */
static void test_join_both_gives_both_the_max(void **state)
{
    (void)state;
    for (int longer = 0; longer < 2; longer++) {
        vclock_t a, b;
        vc_init(&a);
        vc_init(&b);
        vc_set(&a, 0, 5);
        vc_set(&a, 1, 1);
        vc_set(&b, 1, 9);
        vc_set(longer ? &b : &a, 40, 2);
        vc_join_both(&a, &b);
        for (uint32_t i = 0; i <= 41; i++)
            assert_int_equal(vc_get(&a, i), vc_get(&b, i));
        assert_int_equal(vc_get(&a, 0), 5);
        assert_int_equal(vc_get(&b, 1), 9);
        assert_int_equal(vc_get(&b, 40), 2);
        assert_int_equal(vc_get(&b, 39), 0);
        assert_int_equal(a.size, b.size);
        vc_destroy(&a);
        vc_destroy(&b);
    }
}

/* A clock in its owner's storage (a sync object's inline entries) keeps
 * its entries when it outgrows it, leaves the storage alone from then on,
 * and is copied, not taken, by vc_move. */
static void test_borrowed_storage_grows_into_heap(void **state)
{
    (void)state;
    crace_clock_t buf[4] = {9, 9, 9, 9}, guard = 0x5a5a;
    vclock_t a, b;
    vc_init_in(&a, buf, 3);
    assert_int_equal(a.size, 0);
    assert_int_equal(vc_get(&a, 2), 0);
    vc_set(&a, 0, 4);
    vc_set(&a, 2, 6);
    assert_ptr_equal(a.clk, buf);
    assert_int_equal(buf[3], 9); /* n entries only */
    vc_set(&a, 20, 1);          /* outgrows buf */
    assert_ptr_not_equal(a.clk, buf);
    assert_int_equal(vc_get(&a, 0), 4);
    assert_int_equal(vc_get(&a, 2), 6);
    assert_int_equal(vc_get(&a, 20), 1);
    buf[0] = guard;             /* no longer used */
    assert_int_equal(vc_get(&a, 0), 4);
    vc_destroy(&a);

    vc_init_in(&a, buf, 3);
    vc_set(&a, 1, 7);
    vc_init(&b);
    vc_move(&b, &a);
    assert_int_equal(vc_get(&b, 1), 7);
    assert_ptr_not_equal(b.clk, buf);
    assert_int_equal(a.size, 0);
    assert_ptr_equal(a.clk, buf);
    vc_set(&a, 1, 8);           /* a still works, in its storage */
    assert_int_equal(vc_get(&b, 1), 7);
    vc_destroy(&a);
    vc_destroy(&b);
}

static void test_copy_replaces_and_shrinks(void **state)
{
    (void)state;
    vclock_t a, b;
    vc_init(&a);
    vc_init(&b);
    vc_set(&a, 10, 3);
    vc_set(&b, 2, 4);
    vc_copy(&a, &b);
    assert_int_equal(vc_get(&a, 10), 0); /* release-store forgets a's old entries */
    assert_int_equal(vc_get(&a, 2), 4);
    assert_int_equal(a.size, b.size);
    vc_destroy(&a);
    vc_destroy(&b);
}

static void test_leq_orders_clocks(void **state)
{
    (void)state;
    vclock_t a, b;
    vc_init(&a);
    vc_init(&b);
    assert_true(vc_leq(&a, &b)); /* empty clocks are equal */
    vc_set(&a, 0, 1);
    assert_false(vc_leq(&a, &b));
    vc_set(&b, 0, 1);
    vc_set(&b, 5, 1);
    assert_true(vc_leq(&a, &b));
    assert_false(vc_leq(&b, &a));
    vc_clear(&b);
    assert_int_equal(vc_get(&b, 5), 0);
    assert_false(vc_leq(&a, &b));
    vc_destroy(&a);
    vc_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_beyond_size_is_zero),
        cmocka_unit_test(test_join_is_entrywise_max),
        cmocka_unit_test(test_join_both_gives_both_the_max),
        cmocka_unit_test(test_borrowed_storage_grows_into_heap),
        cmocka_unit_test(test_copy_replaces_and_shrinks),
        cmocka_unit_test(test_leq_orders_clocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
