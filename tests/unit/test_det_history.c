/* Unit tests of detector/history.c: restoring the stack of a past access
 * from a thread's event ring, and refusing when it was overwritten. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "history.h"
#include "thread.h"

#define RING_WORDS 4096 /* the smallest ring (history_size=0): 8 parts of 512 words */

/* A thread record of our own, so the test controls every event. */
static crace_thread *fake_thread(uint64_t clock)
{
    crace_thread *t = crace_alloc(sizeof(*t));
    t->slot = 0;
    vc_init(&t->vc);
    vc_set(&t->vc, 0, clock);
    t->shcap = 64;
    t->shstack = crace_alloc(t->shcap * sizeof(uintptr_t));
    crace_hist_adopt(t, hist_create(RING_WORDS));
    return t;
}

/* As __tsan_func_entry/exit do: the event, then the stack change,
 * without a test of the stack's bound (the event kept room for it). */
static void enter(crace_thread *t, uintptr_t pc)
{
    crace_hist_put(t, ((uint64_t)pc << 3) | EV_FUNC_ENTRY);
    assert_true(t->depth < t->shcap);
    t->shstack[t->depth++] = pc;
}

static void leave(crace_thread *t)
{
    crace_hist_put(t, EV_FUNC_EXIT);
    t->depth--;
}

static void tick(crace_thread *t)
{
    t->vc.clk[0]++;
    crace_hist_put(t, (t->vc.clk[0] << 3) | EV_EPOCH);
}

static void test_restores_stack_of_access(void **state)
{
    (void)state;
    crace_thread *t = fake_thread(5);
    enter(t, 0x1000);
    enter(t, 0x2000);
    crace_hist_put_access(t, 0x7000, 4, true, false, 0x2042);
    leave(t);
    crace_hist_put_access(t, 0x7000, 4, false, false, 0x1042); /* a read: not what we ask for */
    leave(t);

    uintptr_t out[8];
    size_t n = hist_restore(t->hist, &t->hist_pos, 5, 0x7000, 0x0f, true, false, out, 8);
    assert_int_equal(n, 3);
    assert_int_equal(out[0], 0x2042); /* the access itself */
    assert_int_equal(out[1], 0x2000); /* innermost call site */
    assert_int_equal(out[2], 0x1000);

    n = hist_restore(t->hist, &t->hist_pos, 5, 0x7000, 0x0f, false, false, out, 8);
    assert_int_equal(n, 2);
    assert_int_equal(out[0], 0x1042);
}

static void test_matches_epoch_bytes_and_kind(void **state)
{
    (void)state;
    crace_thread *t = fake_thread(1);
    enter(t, 0x1000);
    crace_hist_put_access(t, 0x7004, 2, true, false, 0x1111); /* bytes 4-5 at clock 1 */
    tick(t);
    crace_hist_put_access(t, 0x7000, 1, true, false, 0x2222); /* byte 0 at clock 2 */
    crace_hist_put_access(t, 0x7000, 1, true, true, 0x3333);  /* atomic, clock 2 */
    uintptr_t out[8];
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, 0x7000, 0x30, true, false, out, 8), 2);
    assert_int_equal(out[0], 0x1111);
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 2, 0x7000, 0x01, true, false, out, 8), 2);
    assert_int_equal(out[0], 0x2222);
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 2, 0x7000, 0x01, true, true, out, 8), 2);
    assert_int_equal(out[0], 0x3333);
    /* No access of clock 1 touched byte 0; none of clock 3 exists. */
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, 0x7000, 0x01, true, false, out, 8), 0);
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 3, 0x7000, 0x01, true, false, out, 8), 0);
}

static void test_snapshot_carries_stack_across_parts(void **state)
{
    (void)state;
    crace_thread *t = fake_thread(1);
    enter(t, 0xa000);
    enter(t, 0xb000);
    /* Push far enough that the entries above are overwritten: only the
     * part snapshots still know the stack. */
    for (int i = 0; i < RING_WORDS * 3; i++) {
        enter(t, 0xc000);
        leave(t);
    }
    crace_hist_put_access(t, 0x8000, 8, true, false, 0xb0b0);
    uintptr_t out[8];
    size_t n = hist_restore(t->hist, &t->hist_pos, 1, 0x8000, 0xff, true, false, out, 8);
    assert_int_equal(n, 3);
    assert_int_equal(out[0], 0xb0b0);
    assert_int_equal(out[1], 0xb000);
    assert_int_equal(out[2], 0xa000);
}

/* Deep recursion: every call's event keeps the shadow stack's room for
 * the push after it (thread.h, shcap). */
static void test_deep_calls_find_room(void **state)
{
    (void)state;
    crace_thread *t = fake_thread(1);
    for (uintptr_t i = 0; i < 20 * RING_WORDS; i++)
        enter(t, 0x10000 + i);
    assert_int_equal(t->depth, 20 * RING_WORDS);
    for (uintptr_t i = 0; i < 20 * RING_WORDS; i++)
        assert_int_equal(t->shstack[i], 0x10000 + i);
}

/* Frames deeper than the replay keeps whole: the innermost ones are
 * restored, not the ones at the replay's bound. */
static void test_deep_stack_restored_innermost_first(void **state)
{
    (void)state;
    crace_thread *t = fake_thread(1);
    for (uintptr_t i = 0; i < 3000; i++)
        enter(t, 0x10000 + i);
    crace_hist_put_access(t, 0x8000, 8, true, false, 0xb0b0);
    uintptr_t out[4];
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, 0x8000, 0xff, true, false, out, 4), 4);
    assert_int_equal(out[0], 0xb0b0);
    assert_int_equal(out[1], 0x10000 + 2999);
    assert_int_equal(out[2], 0x10000 + 2998);
    assert_int_equal(out[3], 0x10000 + 2997);
}

/* A part's snapshot of a deep stack keeps the innermost frames and the
 * true depth: returning from some of them, the replay still shows the
 * right callers, and returning below all it kept, none it does not
 * know. */
static void test_deep_snapshot_then_return(void **state)
{
    (void)state;
    for (unsigned back = 100; back <= 200; back += 100) {
        crace_thread *t = fake_thread(1);
        for (uintptr_t i = 0; i < 300; i++)
            enter(t, 0x10000 + i);
        /* Only the part snapshots still know the 300 frames. */
        for (int i = 0; i < RING_WORDS * 2; i++) {
            enter(t, 0xc000);
            leave(t);
        }
        for (unsigned i = 0; i < back; i++)
            leave(t);
        crace_hist_put_access(t, 0x8000, 8, true, false, 0xb0b0);
        uintptr_t out[8];
        size_t n = hist_restore(t->hist, &t->hist_pos, 1, 0x8000, 0xff, true, false, out, 8);
        assert_true(n >= 1);
        assert_int_equal(out[0], 0xb0b0);
        if (back == 100) {
            assert_int_equal(n, 8);
            for (size_t k = 1; k < n; k++)
                assert_int_equal(out[k], 0x10000 + 300 - back - k);
        } else {
            assert_int_equal(n, 1); /* below the 128 frames kept: no caller shown rather than a wrong one */
        }
    }
}

static void test_overwritten_access_is_not_guessed(void **state)
{
    (void)state;
    crace_thread *t = fake_thread(1);
    enter(t, 0xa000);
    crace_hist_put_access(t, 0x9000, 4, true, false, 0xdead);
    for (int i = 0; i < RING_WORDS * 2; i++) {
        enter(t, 0xc000);
        leave(t);
    }
    uintptr_t out[8];
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, 0x9000, 0x0f, true, false, out, 8), 0);
}

/* A ring written exactly full: the writer's next word starts the next
 * lap by overwriting the oldest part, its snapshot first. A reader must
 * not use that part (the writer may be rewriting it as the reader reads,
 * having published nothing yet): the access in it is not restored. */
static void test_part_about_to_be_rewritten_not_used(void **state)
{
    (void)state;
    crace_thread *t = fake_thread(1);
    enter(t, 0xa000);
    crace_hist_put_access(t, 0x7000, 4, true, false, 0xa0a0);
    leave(t);
    while (atomic_load(&t->hist_pos) < RING_WORDS) {
        enter(t, 0xc000);
        leave(t);
    }
    assert_int_equal(atomic_load(&t->hist_pos), RING_WORDS);
    uintptr_t out[8];
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, 0x7000, 0x0f, true, false, out, 8), 0);
    /* One part later, the same holds for the next oldest. */
    enter(t, 0xd000);
    crace_hist_put_access(t, 0x7008, 4, true, false, 0xd0d0);
    uint64_t at = atomic_load(&t->hist_pos);
    assert_true(at < RING_WORDS + RING_WORDS / HIST_PARTS);
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, 0x7008, 0x0f, true, false, out, 8), 2);
    assert_int_equal(out[0], 0xd0d0);
}

/* A slot's ring outlives its writer: the owner gives its end back when
 * it finishes, the next owner goes on from there, and a report reads the
 * ring through whoever writes it now (thread.c, crace_slot_restore). */
static void test_ring_passes_to_next_owner(void **state)
{
    (void)state;
    crace_thread *first = fake_thread(1);
    hist_t *h = first->hist;
    enter(first, 0xa000);
    crace_hist_put_access(first, 0x6000, 4, true, false, 0xa0a0);
    uint64_t end = atomic_load(&first->hist_pos);
    crace_hist_give_back(first);
    assert_null(first->hist);
    assert_int_equal(atomic_load(&h->pos), end);
    /* Gone from the ring's owner, nothing more is logged. */
    crace_hist_put(first, EV_FUNC_EXIT);
    assert_int_equal(atomic_load(&h->pos), end);
    uintptr_t out[8];
    assert_int_equal(hist_restore(h, &h->pos, 1, 0x6000, 0x0f, true, false, out, 8), 2);
    assert_int_equal(out[0], 0xa0a0);

    crace_thread *next = fake_thread(2);
    hist_destroy(next->hist);
    crace_hist_adopt(next, h);
    crace_hist_put(next, EV_RESET); /* as thread.c's hist_begin */
    crace_hist_put(next, (2 << 3) | EV_EPOCH);
    enter(next, 0xb000);
    crace_hist_put_access(next, 0x6000, 4, true, false, 0xb0b0);
    assert_true(atomic_load(&next->hist_pos) > end);
    assert_int_equal(hist_restore(h, &next->hist_pos, 1, 0x6000, 0x0f, true, false, out, 8), 2);
    assert_int_equal(out[0], 0xa0a0);
    assert_int_equal(out[1], 0xa000);
    assert_int_equal(hist_restore(h, &next->hist_pos, 2, 0x6000, 0x0f, true, false, out, 8), 2);
    assert_int_equal(out[0], 0xb0b0);
    assert_int_equal(out[1], 0xb000);
}

/* Accesses near the one before them take one word each (EV_ACCESS_NEAR),
 * up to 256 bytes of pc below it and 255 above; further, bigger than 8
 * bytes, or first in the ring, two. Each is restored with its own pc,
 * size and kind. */
static void test_near_accesses_take_one_word(void **state)
{
    (void)state;
    crace_thread *t = fake_thread(1);
    enter(t, 0x1000);
    struct {
        uintptr_t addr, pc;
        size_t size;
        bool write, atomic;
        unsigned words;
    } ev[] = {
        {0x5000, 0x400000, 4, true, false, 2},  /* the first: two words */
        {0x5008, 0x400000 + 255, 8, false, false, 1},
        {0x5010, 0x400000 - 1, 3, true, true, 1},
        {0x5018, 0x400000 - 257, 1, true, false, 1}, /* 256 below the one before */
        {0x5020, 0x400000, 2, false, true, 2},       /* 257 above: too far */
        {0x5028, 0x400010, 16, true, false, 2},      /* too big */
        {0x5040, 0x400020, 7, false, false, 1},
    };
    size_t n = sizeof(ev) / sizeof(ev[0]);
    for (size_t i = 0; i < n; i++) {
        uint64_t before = atomic_load(&t->hist_pos);
        crace_hist_put_access(t, ev[i].addr, ev[i].size, ev[i].write, ev[i].atomic, ev[i].pc);
        assert_int_equal(atomic_load(&t->hist_pos) - before, ev[i].words);
    }
    for (size_t i = 0; i < n; i++) {
        uintptr_t out[8];
        unsigned mask = ev[i].size >= 8 ? 0xff : (1u << ev[i].size) - 1;
        assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, ev[i].addr, mask, ev[i].write, ev[i].atomic, out, 8),
                         2);
        assert_int_equal(out[0], ev[i].pc);
        assert_int_equal(out[1], 0x1000);
        /* The byte past a short access is not its own. */
        if (ev[i].size < 8)
            assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, ev[i].addr, 1u << ev[i].size, ev[i].write,
                                          ev[i].atomic, out, 8),
                             0);
    }
}

/* A replay starts at the oldest part still whole, where it knows no pc
 * from before: the first access event of each part is a long one, even
 * right after a near one, so an access near one in an overwritten part
 * is restored with its own pc. */
static void test_near_access_restored_after_its_base_is_overwritten(void **state)
{
    (void)state;
    crace_thread *t = fake_thread(1);
    enter(t, 0x1000);
    uintptr_t pc = 0x400000;
    /* Fill the ring several times over with one-word events, each pc a
     * little above the one before (a walk through one function's code),
     * with calls between them, so that parts begin at every kind of
     * event. */
    for (unsigned i = 0; i < RING_WORDS * 3; i++, pc += 8) {
        crace_hist_put_access(t, 0x5000 + 8 * (i % 64), 8, true, false, pc);
        for (unsigned k = 0; k < i % 3; k++) {
            enter(t, 0x2000);
            leave(t);
        }
    }
    crace_hist_put_access(t, 0x9000, 4, false, false, pc + 100);
    uintptr_t out[8];
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, 0x9000, 0x0f, false, false, out, 8), 2);
    assert_int_equal(out[0], pc + 100);
    /* The last write to 0x5000's granule, from the same walk. */
    unsigned last = RING_WORDS * 3 - 64;
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, 0x5000, 0xff, true, false, out, 8), 2);
    assert_int_equal(out[0], 0x400000 + 8 * (uintptr_t)last);
}

/* The same where it matters most: a part that begins with a call, and
 * an access right after it whose pc is near the last one of the part
 * before, which then is overwritten. The replay starts at that call:
 * the access must be a long event for its pc to be known. */
static void test_first_access_of_oldest_part_restored(void **state)
{
    (void)state;
    const uint64_t part = RING_WORDS / HIST_PARTS;
    crace_thread *t = fake_thread(1);
    enter(t, 0x1000);
    crace_hist_put_access(t, 0x5000, 8, true, false, 0x400000);
    while ((atomic_load(&t->hist_pos) + 1) % part != 0)
        crace_hist_put_access(t, 0x5008, 8, true, false, 0x400008);
    crace_hist_put_access(t, 0x5008, 8, true, false, 0x400010); /* the part's last word */
    uint64_t begin = atomic_load(&t->hist_pos);
    assert_int_equal(begin % part, 0);
    enter(t, 0x2000); /* begins the next part */
    crace_hist_put_access(t, 0x9000, 4, true, false, 0x400020);
    /* Until the ring's oldest whole part is the one holding 0x9000. */
    while (atomic_load(&t->hist_pos) < begin + RING_WORDS - part / 2) {
        enter(t, 0x3000);
        leave(t);
    }
    uintptr_t out[8];
    assert_int_equal(hist_restore(t->hist, &t->hist_pos, 1, 0x9000, 0x0f, true, false, out, 8), 3);
    assert_int_equal(out[0], 0x400020);
    assert_int_equal(out[1], 0x2000);
    assert_int_equal(out[2], 0x1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restores_stack_of_access),
        cmocka_unit_test(test_matches_epoch_bytes_and_kind),
        cmocka_unit_test(test_snapshot_carries_stack_across_parts),
        cmocka_unit_test(test_deep_calls_find_room),
        cmocka_unit_test(test_deep_stack_restored_innermost_first),
        cmocka_unit_test(test_deep_snapshot_then_return),
        cmocka_unit_test(test_overwritten_access_is_not_guessed),
        cmocka_unit_test(test_part_about_to_be_rewritten_not_used),
        cmocka_unit_test(test_ring_passes_to_next_owner),
        cmocka_unit_test(test_near_accesses_take_one_word),
        cmocka_unit_test(test_near_access_restored_after_its_base_is_overwritten),
        cmocka_unit_test(test_first_access_of_oldest_part_restored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
