/* Unit tests of detector/heap.c: the table of live heap blocks (found by
 * any address inside them), and the blocks freed last, which a report
 * names when memory is used after a free it races with. The blocks are
 * ranges of a static arena, so the program's own allocations never
 * overlap them; the last test runs threads at once (the engine's unit
 * tests also run under gcc's ThreadSanitizer). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "heap.h"

static _Alignas(4096) char arena[1 << 20];

static uintptr_t at(size_t off)
{
    return (uintptr_t)arena + off;
}

static void assert_block(const struct heap_block *b, uintptr_t start, size_t size, uint64_t gid, stack_id stack)
{
    assert_int_equal(b->start, start);
    assert_int_equal(b->size, size);
    assert_int_equal(b->gid, gid);
    assert_int_equal(b->stack, stack);
}

static void *find_0x1010(void *arg)
{
    (void)arg;
    struct heap_block b;
    return heap_find(at(0x1010), &b) ? (void *)1 : NULL;
}

static void test_live_block_found_from_inside(void **state)
{
    (void)state;
    struct heap_block b;
    heap_alloc(at(0x1000), 100, 7, 3, 0, 0);
    assert_true(heap_find(at(0x1000), &b));
    assert_true(heap_find(at(0x1000) + 99, &b));
    assert_block(&b, at(0x1000), 100, 7, 3);
    assert_false(heap_find(at(0x1000) + 100, &b)); /* one past the end */
    struct heap_block taken;
    assert_true(heap_take(at(0x1000), &taken));
    assert_block(&taken, at(0x1000), 100, 7, 3);
    /* Being freed: still the taking thread's live block (its free's own
     * report), no other thread's. */
    assert_true(heap_find(at(0x1000) + 10, &b));
    assert_block(&b, at(0x1000), 100, 7, 3);
    void *seen;
    pthread_t other;
    assert_int_equal(pthread_create(&other, NULL, find_0x1010, NULL), 0);
    pthread_join(other, &seen);
    assert_null(seen);
    heap_take_done();
    assert_false(heap_find(at(0x1000) + 10, &b));
    assert_false(heap_take(at(0x1000), &taken)); /* twice: not known any more */
}

/* heap_take and heap_take_done, the block's size in *size. */
static bool take(uintptr_t start, size_t *size)
{
    struct heap_block b;
    if (!heap_take(start, &b))
        return false;
    heap_take_done();
    *size = b.size;
    return true;
}

static void test_freed_block_named_until_reused(void **state)
{
    (void)state;
    struct heap_block b;
    size_t size;
    heap_alloc(at(0x2000), 64, 9, 5, 0, 0);
    assert_false(heap_find_freed(at(0x2000) + 8, &b)); /* live: not a freed one */
    assert_true(take(at(0x2000), &size));
    assert_true(heap_find_freed(at(0x2000) + 8, &b));
    assert_block(&b, at(0x2000), 64, 9, 5);
    assert_false(heap_find_freed(at(0x2000) + 64, &b));
    /* Memory handed out again: the live block is what heap_find names. */
    heap_alloc(at(0x2000), 32, 11, 6, 0, 0);
    assert_true(heap_find(at(0x2000) + 8, &b));
    assert_int_equal(b.gid, 11);
    assert_true(take(at(0x2000), &size));
    /* Two freed blocks hold the address: the later, nearer start wins. */
    heap_alloc(at(0x2010), 16, 12, 7, 0, 0);
    assert_true(take(at(0x2010), &size));
    assert_true(heap_find_freed(at(0x2018), &b));
    assert_int_equal(b.start, at(0x2010));
}

struct churn {
    size_t base;
};

static void *churn(void *arg)
{
    const struct churn *c = arg;
    struct heap_block b;
    size_t size;
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < 16; i++)
            heap_alloc(at(c->base + i * 256), 128, 1, 1, 0, 0);
        for (size_t i = 0; i < 16; i++) {
            if (!heap_find(at(c->base + i * 256) + 64, &b) || b.start != at(c->base + i * 256))
                return (void *)1;
            if (!take(at(c->base + i * 256), &size) || size != 128)
                return (void *)1;
        }
        (void)heap_find_freed(at(c->base) + 8, &b);
    }
    return NULL;
}

static void test_threads_at_once(void **state)
{
    (void)state;
    struct churn c[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        c[i].base = 0x10000 + (size_t)i * 0x10000;
        assert_int_equal(pthread_create(&t[i], NULL, churn, &c[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        assert_null(r);
    }
}

/* A free the table did not see (made from a signal handler while the
 * thread was in the table) leaves a stale start behind; a new block over
 * that memory drops it, so that an address inside the new block is
 * named by the new block. For a block within one bitmap word (1 KiB of
 * address space) and for one across two, the stale start near either end. */
static void test_stale_starts_inside_new_block_dropped(void **state)
{
    (void)state;
    /* new block's offset, size, and a stale start inside it */
    const size_t cases[][3] = {
        {0x20000, 128, 0x20000 + 16},  {0x20400, 128, 0x20400 + 112},
        {0x203c0, 128, 0x203c0 + 16},  {0x207c0, 128, 0x207c0 + 112},
        {0x20c00, 4096, 0x20c00 + 2048},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uintptr_t start = at(cases[i][0]), stale = at(cases[i][2]);
        size_t size = cases[i][1];
        struct heap_block b;
        heap_alloc(stale, 16, 9, 4, 0, 0);
        assert_true(heap_find(stale, &b));
        assert_block(&b, stale, 16, 9, 4);
        heap_alloc(start, size, 10, 5, 0, 0);
        assert_true(heap_find(stale, &b));
        assert_block(&b, start, size, 10, 5);
        assert_true(heap_find(stale + 8, &b));
        assert_block(&b, start, size, 10, 5);
        size_t got;
        assert_true(take(start, &got));
        assert_int_equal(got, size);
        assert_false(heap_find(stale, &b));
    }
}

/* Enough blocks in one 64 MiB window (whose blocks share 16 stripes)
 * that its stripes' tables grow through every size the table's pool
 * keeps and past them (mappings of their own), shrink back as the blocks
 * go, and grow again from the tables given back: every block is found
 * at every step, none after it went. */
#define MANY_BLOCKS (400u * 1024u)
#define BIG_ALIGN (8u << 20) /* the blocks' span, 6.4 MiB, rounded up */

static void test_many_blocks_grow_and_shrink_tables(void **state)
{
    (void)state;
    struct heap_block b;
    size_t size;
    char *map = mmap(NULL, 2 * BIG_ALIGN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    assert_true(map != MAP_FAILED);
    /* Within one window: aligned to a divisor of the window's size. */
    char *big_arena = (char *)(((uintptr_t)map + BIG_ALIGN - 1) & ~(uintptr_t)(BIG_ALIGN - 1));
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < MANY_BLOCKS; i++)
            heap_alloc((uintptr_t)big_arena + i * 16, 16, 1 + i, 2, 0, 0);
        for (size_t i = 0; i < MANY_BLOCKS; i++) {
            assert_true(heap_find((uintptr_t)big_arena + i * 16 + 8, &b));
            assert_block(&b, (uintptr_t)big_arena + i * 16, 16, 1 + i, 2);
        }
        /* Every other block first: the stripes shrink while half remain. */
        for (size_t i = 0; i < MANY_BLOCKS; i += 2)
            assert_true(take((uintptr_t)big_arena + i * 16, &size));
        for (size_t i = 1; i < MANY_BLOCKS; i += 2) {
            assert_true(heap_find((uintptr_t)big_arena + i * 16, &b));
            assert_int_equal(b.gid, 1 + i);
            assert_true(take((uintptr_t)big_arena + i * 16, &size));
        }
        for (size_t i = 0; i < MANY_BLOCKS; i += 4099)
            assert_false(heap_find((uintptr_t)big_arena + i * 16, &b));
    }
    munmap(map, 2 * BIG_ALIGN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_live_block_found_from_inside),
        cmocka_unit_test(test_freed_block_named_until_reused),
        cmocka_unit_test(test_stale_starts_inside_new_block_dropped),
        cmocka_unit_test(test_threads_at_once),
        cmocka_unit_test(test_many_blocks_grow_and_shrink_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
