/* Unit tests of detector/shadow.c and the cell rules of access.c: the
 * encoding, byte precision, no eviction of read-shared accesses, and
 * subsumption once an access happens after the others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "access.h"
#include "shadow.h"
#include "thread.h"

static void test_cell_encoding_roundtrip(void **state)
{
    (void)state;
    shadow_cell c = sc_make(sc_epoch(12345, 987654321), 0x3c, true, true);
    assert_int_equal(sc_slot(c), 12345);
    assert_int_equal(sc_clock(c), 987654321);
    assert_int_equal(sc_mask(c), 0x3c);
    assert_true(sc_is_write(c));
    assert_true(sc_is_atomic(c));
    assert_false(sc_is_ovf(c));
    c = sc_make(sc_epoch(SC_MAX_SLOTS - 1, SC_MAX_CLOCK), 0x01, false, false);
    assert_int_equal(sc_slot(c), SC_MAX_SLOTS - 1);
    assert_int_equal(sc_clock(c), SC_MAX_CLOCK);
    assert_false(sc_is_write(c));
}

/* Memory the fake threads below touch: static, so no free() (which the
 * detector running in this process checks as the main thread's write)
 * ever races with their accesses. One region per test. */
static _Alignas(8) unsigned char mem[4][512];

/* A thread record in slot `slot` at clock 1 that knows nothing else. */
static crace_thread *fake_thread(uint32_t slot)
{
    crace_thread *t = crace_alloc(sizeof(*t));
    t->slot = slot;
    vc_init(&t->vc);
    vc_set(&t->vc, slot, 1);
    t->epoch = sc_epoch(slot, 1);
    t->shcap = 8;
    t->shstack = crace_alloc(t->shcap * sizeof(uintptr_t));
    t->hist = hist_create(1024);
    t->gid = 1000 + slot;
    return t;
}

static size_t live_cells(uintptr_t addr)
{
    shadow_granule *g = shadow_get(addr);
    size_t n = 0;
    shadow_ovf *o = NULL;
    for (int i = 0; i < SHADOW_INLINE; i++) {
        shadow_cell c = atomic_load(&g->cell[i]);
        if (sc_is_ovf(c))
            o = sc_to_ovf(c);
        else if (c)
            n++;
    }
    for (; o; o = atomic_load(&o->next))
        for (int i = 0; i < SHADOW_OVF_CELLS; i++)
            n += atomic_load(&o->cell[i]) != 0;
    return n;
}

static void test_same_thread_keeps_one_cell(void **state)
{
    (void)state;
    uint64_t *word = (uint64_t *)mem[0];
    crace_thread *t = fake_thread(200);
    uintptr_t a = (uintptr_t)word;
    crace_access(t, a, 8, true, false, 0x1);
    crace_access(t, a, 8, false, false, 0x2); /* read covered by own write */
    crace_access(t, a, 4, true, false, 0x3);
    assert_int_equal(live_cells(a), 1);
}

static void test_read_shared_is_never_evicted(void **state)
{
    (void)state;
    uintptr_t a = (uintptr_t)mem[1];
    enum { READERS = 20 };
    crace_thread *r[READERS];
    for (int i = 0; i < READERS; i++) {
        r[i] = fake_thread(300 + i);
        crace_access(r[i], a, 8, false, false, 0x10 + i);
    }
    /* Every concurrent read is kept: a later unordered write must be able
     * to race with any of them. */
    assert_int_equal(live_cells(a), READERS);

    /* A writer that happens after all of them replaces them all. */
    crace_thread *w = fake_thread(400);
    for (int i = 0; i < READERS; i++)
        vc_set(&w->vc, r[i]->slot, 1);
    crace_access(w, a, 8, true, false, 0x99);
    assert_int_equal(live_cells(a), 1);
}

static void test_adjacent_bytes_kept_apart(void **state)
{
    (void)state;
    uintptr_t a = (uintptr_t)mem[2];
    crace_thread *t1 = fake_thread(500), *t2 = fake_thread(501);
    crace_access(t1, a, 1, true, false, 0x1);
    crace_access(t2, a + 1, 1, true, false, 0x2);
    /* Different bytes: no race, and both writes are remembered. */
    assert_int_equal(live_cells(a), 2);
    shadow_granule *g = shadow_get(a);
    unsigned masks = sc_mask(atomic_load(&g->cell[0])) | sc_mask(atomic_load(&g->cell[1]));
    assert_int_equal(masks, 0x3);
}

static void test_reset_forgets(void **state)
{
    (void)state;
    uint64_t *words = (uint64_t *)mem[3];
    crace_thread *t = fake_thread(600);
    for (int i = 0; i < 64; i++)
        crace_access(t, (uintptr_t)&words[i], 8, true, false, 0x1);
    shadow_reset((uintptr_t)words, 64 * sizeof(*words));
    for (int i = 0; i < 64; i++)
        assert_int_equal(live_cells((uintptr_t)&words[i]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cell_encoding_roundtrip),
        cmocka_unit_test(test_same_thread_keeps_one_cell),
        cmocka_unit_test(test_read_shared_is_never_evicted),
        cmocka_unit_test(test_adjacent_bytes_kept_apart),
        cmocka_unit_test(test_reset_forgets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
