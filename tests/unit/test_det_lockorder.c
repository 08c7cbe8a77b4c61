/* Unit tests of detector/lockorder.c: the held list (recursion, any
 * number of locks), edges only from blocking acquisitions, a cycle
 * reported once when its last edge enters the graph, reader-reader links
 * that cannot block, gate locks, forgotten locks, and the report's layout.
 *
 * The program links the whole detector, which is active in it: the tests
 * run in a forked child, where the findings stay, so that this process
 * ends with none and its exit status is cmocka's. */
#include <fcntl.h>
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

#include "lockorder.h"
#include "report.h"
#include "thread.h"

/* Lock addresses: never dereferenced, only distinct. Each test uses its
 * own range so that edges of one never close cycles of another. */
static char locks[4096];
#define LOCK(i) ((uintptr_t)&locks[(i) * 8])

static uint64_t potential(void)
{
    return report_count(REPORT_POTENTIAL_DEADLOCK);
}

/* t takes a then b (blocking), then releases both. */
static void nest(crace_thread *t, uintptr_t a, uintptr_t b, unsigned flags_b)
{
    lo_acquired(t, a, 0, 0);
    lo_acquired(t, b, 0, flags_b);
    assert_true(lo_released(t, b));
    assert_true(lo_released(t, a));
}

/* Many locks taken two at a time in one hidden order (a random
 * permutation of them), the pairs in random order: the graph's
 * topological order must be rebuilt again and again as edges arrive
 * against it, and no cycle is reported. Then an edge from a lock to one
 * that reaches it (by a reference computation of the graph's reachability)
 * closes a cycle, reported at once. Sixty graphs, each forgotten after:
 * the test runs first, so the graph is empty at each start and its order
 * is kept (lockorder.c's ord_valid) until the cycle. */
enum { ORD_LOCKS = 60, ORD_EDGES = 400, ORD_ROUNDS = 60 };
static char ord_locks[ORD_LOCKS * 8];
#define ORD_LOCK(i) ((uintptr_t)&ord_locks[(i) * 8])
static bool ord_reach[ORD_LOCKS][ORD_LOCKS];

static uint32_t ord_rand(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

struct ord_edge {
    crace_thread *t;
    unsigned from, to;
};

static void ord_nest(void *arg)
{
    const struct ord_edge *e = arg;
    nest(e->t, ORD_LOCK(e->from), ORD_LOCK(e->to), 0);
}

static void test_consistent_order_then_one_cycle(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    for (uint32_t round = 0; round < ORD_ROUNDS; round++) {
        uint32_t seed = 7 + round;
        unsigned rank[ORD_LOCKS];
        for (unsigned i = 0; i < ORD_LOCKS; i++)
            rank[i] = i;
        for (unsigned i = ORD_LOCKS - 1; i > 0; i--) {
            unsigned j = ord_rand(&seed) % (i + 1), tmp = rank[i];
            rank[i] = rank[j];
            rank[j] = tmp;
        }
        memset(ord_reach, 0, sizeof(ord_reach));
        uint64_t before = potential();
        for (unsigned k = 0; k < ORD_EDGES; k++) {
            unsigned a = ord_rand(&seed) % ORD_LOCKS, b = ord_rand(&seed) % ORD_LOCKS;
            if (a == b)
                continue;
            if (rank[a] > rank[b]) {
                unsigned tmp = a;
                a = b;
                b = tmp;
            }
            nest(t, ORD_LOCK(a), ORD_LOCK(b), 0);
            ord_reach[a][b] = true;
        }
        assert_int_equal(potential(), before);
        for (unsigned k = 0; k < ORD_LOCKS; k++)
            for (unsigned i = 0; i < ORD_LOCKS; i++)
                if (ord_reach[i][k])
                    for (unsigned j = 0; j < ORD_LOCKS; j++)
                        ord_reach[i][j] |= ord_reach[k][j];
        unsigned u = 0, v = 0;
        for (unsigned tries = 0; !ord_reach[v][u] || ord_reach[u][v]; tries++) {
            assert_true(tries < 100000);
            u = ord_rand(&seed) % ORD_LOCKS;
            v = ord_rand(&seed) % ORD_LOCKS;
        }
        struct ord_edge e = {t, u, v}; /* v reaches u: u -> v closes a cycle */
        free(det_capture_stderr(ord_nest, &e));
        assert_int_equal(potential(), before + 1);
        lo_forget_range(ORD_LOCK(0), sizeof(ord_locks));
    }
}

static void test_held_list_recursion_and_release(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    assert_false(lo_holds(t, LOCK(0)));
    lo_acquired(t, LOCK(0), 0, 0);
    lo_acquired(t, LOCK(0), 0, 0); /* recursive */
    assert_true(lo_holds(t, LOCK(0)));
    assert_true(lo_released(t, LOCK(0)));
    assert_true(lo_holds(t, LOCK(0)));
    assert_true(lo_released(t, LOCK(0)));
    assert_false(lo_holds(t, LOCK(0)));
    assert_false(lo_released(t, LOCK(0))); /* not held */
    assert_int_equal(t->n_held, 0);
}

static void test_many_locks_held(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    /* Far past ThreadSanitizer's 64, in order: a chain, no cycle. */
    uint64_t before = potential();
    for (int i = 0; i < 200; i++)
        lo_acquired(t, LOCK(100 + i), 0, 0);
    assert_int_equal(t->n_held, 200);
    for (int i = 0; i < 200; i++)
        assert_true(lo_holds(t, LOCK(100 + i)));
    /* Released out of order. */
    for (int i = 0; i < 200; i += 2)
        assert_true(lo_released(t, LOCK(100 + i)));
    for (int i = 1; i < 200; i += 2)
        assert_true(lo_released(t, LOCK(100 + i)));
    assert_int_equal(t->n_held, 0);
    assert_int_equal(potential(), before);
}

static void test_inversion_reported_once(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    uint64_t before = potential();
    nest(t, LOCK(10), LOCK(11), 0);
    nest(t, LOCK(10), LOCK(11), 0); /* the same edge again: nothing new */
    assert_int_equal(potential(), before);
    nest(t, LOCK(11), LOCK(10), 0); /* closes the cycle */
    assert_int_equal(potential(), before + 1);
    nest(t, LOCK(11), LOCK(10), 0);
    nest(t, LOCK(10), LOCK(11), 0);
    assert_int_equal(potential(), before + 1);
}

static void test_three_cycle(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    uint64_t before = potential();
    nest(t, LOCK(20), LOCK(21), 0);
    nest(t, LOCK(21), LOCK(22), 0);
    assert_int_equal(potential(), before);
    nest(t, LOCK(22), LOCK(20), 0);
    assert_int_equal(potential(), before + 1);
}

static void test_trylock_adds_no_edge(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    uint64_t before = potential();
    nest(t, LOCK(30), LOCK(31), 0);
    nest(t, LOCK(31), LOCK(30), LO_TRY);
    assert_int_equal(potential(), before);
    /* A lock taken by a trylock is held: edges leave it. */
    lo_acquired(t, LOCK(32), 0, LO_TRY);
    lo_acquired(t, LOCK(30), 0, 0); /* 32 -> 30 */
    lo_released(t, LOCK(30));
    lo_released(t, LOCK(32));
    nest(t, LOCK(30), LOCK(32), 0); /* 30 -> 32 closes 32 -> 30 */
    assert_int_equal(potential(), before + 1);
}

static void test_readers_do_not_block_readers(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    uint64_t before = potential();
    /* R(40) then R(41), R(41) then R(40): readers meet at both. */
    lo_acquired(t, LOCK(40), 0, LO_READ);
    lo_acquired(t, LOCK(41), 0, LO_READ);
    lo_released(t, LOCK(41));
    lo_released(t, LOCK(40));
    lo_acquired(t, LOCK(41), 0, LO_READ);
    lo_acquired(t, LOCK(40), 0, LO_READ);
    lo_released(t, LOCK(40));
    lo_released(t, LOCK(41));
    assert_int_equal(potential(), before);
    /* A writer requested on one side: at 41 readers still meet. */
    lo_acquired(t, LOCK(41), 0, LO_READ);
    lo_acquired(t, LOCK(40), 0, 0); /* the edge 41 -> 40 grows stronger */
    lo_released(t, LOCK(40));
    lo_released(t, LOCK(41));
    assert_int_equal(potential(), before);
    /* And on the other: each writer waits for the other's reader. */
    lo_acquired(t, LOCK(40), 0, LO_READ);
    lo_acquired(t, LOCK(41), 0, 0);
    lo_released(t, LOCK(41));
    lo_released(t, LOCK(40));
    assert_int_equal(potential(), before + 1);
}

static void test_forget_drops_edges(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    uint64_t before = potential();
    nest(t, LOCK(50), LOCK(51), 0);
    lo_forget(LOCK(51)); /* destroyed: a new lock may live there */
    nest(t, LOCK(51), LOCK(50), 0);
    assert_int_equal(potential(), before);
    /* The cache learned 51 -> 50; forgetting 50 must invalidate it. */
    lo_forget(LOCK(50));
    nest(t, LOCK(50), LOCK(51), 0);
    assert_int_equal(potential(), before);
    lo_forget(LOCK(50));
    lo_forget(LOCK(51));
    lo_forget(LOCK(52)); /* never seen: nothing */
    /* Freed memory: every lock inside goes. */
    nest(t, LOCK(53), LOCK(54), 0);
    nest(t, LOCK(54), LOCK(55), 0);
    lo_forget_range(LOCK(54), 8);
    nest(t, LOCK(55), LOCK(54), 0);
    nest(t, LOCK(54), LOCK(53), 0);
    assert_int_equal(potential(), before);
    nest(t, LOCK(55), LOCK(53), 0);
    nest(t, LOCK(53), LOCK(55), 0); /* but not the others */
    assert_int_equal(potential(), before + 1);
}

/* t takes a then b while holding gates[0 .. n) (read-locked where
 * read_mask's bit is set), then releases everything. */
static void nest_gated(crace_thread *t, const uintptr_t *gates, unsigned n, unsigned read_mask, uintptr_t a,
                       uintptr_t b)
{
    for (unsigned i = 0; i < n; i++)
        lo_acquired(t, gates[i], 0, (read_mask >> i) & 1 ? LO_READ : 0);
    nest(t, a, b, 0);
    for (unsigned i = n; i > 0; i--)
        assert_true(lo_released(t, gates[i - 1]));
}

static void test_gate_locks(void **state)
{
    (void)state;
    crace_thread *t = crace_thr();
    uint64_t before = potential();
    const uintptr_t g[] = {LOCK(70)};
    /* A and B nested both ways, always under G: no deadlock possible. */
    nest_gated(t, g, 1, 0, LOCK(71), LOCK(72));
    nest_gated(t, g, 1, 0, LOCK(72), LOCK(71));
    nest_gated(t, g, 1, 0, LOCK(71), LOCK(72));
    assert_int_equal(potential(), before);
    /* Once without G: that acquisition can meet the other, reported. */
    nest(t, LOCK(71), LOCK(72), 0);
    assert_int_equal(potential(), before + 1);

    /* More gates than an edge keeps: the outermost ones are enough. */
    const uintptr_t many[] = {LOCK(73), LOCK(74), LOCK(75), LOCK(76)};
    nest_gated(t, many, 4, 0, LOCK(77), LOCK(78));
    nest_gated(t, many, 4, 0, LOCK(78), LOCK(77));
    assert_int_equal(potential(), before + 1);
    /* The same gates but the first: the edges still share two. */
    nest_gated(t, many + 1, 3, 0, LOCK(78), LOCK(77));
    assert_int_equal(potential(), before + 1);

    /* A read-locked gate excludes a writer, not another reader. The edge
     * C -> D made under a write-locked gate, renewed under a read-locked
     * one: its guard weakens (the thread's cache must not hide that). */
    const uintptr_t r[] = {LOCK(80)};
    nest_gated(t, r, 1, 0, LOCK(81), LOCK(82));
    nest_gated(t, r, 1, 1, LOCK(82), LOCK(81));
    assert_int_equal(potential(), before + 1);
    nest_gated(t, r, 1, 1, LOCK(81), LOCK(82));
    assert_int_equal(potential(), before + 2);

    /* A cycle of three, two of whose edges share a gate: those two
     * acquisitions cannot be waiting at once. */
    const uintptr_t h[] = {LOCK(83)};
    nest_gated(t, h, 1, 0, LOCK(84), LOCK(85));
    nest(t, LOCK(85), LOCK(86), 0);
    nest_gated(t, h, 1, 0, LOCK(86), LOCK(84));
    assert_int_equal(potential(), before + 2);
}

static void abba(void *arg)
{
    crace_thread *t = arg;
    nest(t, LOCK(60), LOCK(61), 0);
    nest(t, LOCK(61), LOCK(60), 0);
}

static void test_report_layout(void **state)
{
    (void)state;
    char *out = det_capture_stderr(abba, crace_thr());
    char cycle[256];
    snprintf(cycle, sizeof(cycle), "Cycle in lock order graph: M1 (0x%012lx) => M2 (0x%012lx) => M1\n",
             (unsigned long)LOCK(60), (unsigned long)LOCK(61));
    assert_memory_equal(out, "==================\nWARNING: POTENTIAL DEADLOCK\n", 47);
    assert_non_null(strstr(out, cycle));
    char *a = strstr(out, "\nMutex M2 acquired here while holding mutex M1 in goroutine ");
    char *b = strstr(out, "\nMutex M1 previously acquired by the same goroutine here:\n");
    char *c = strstr(out, "\nMutex M1 acquired here while holding mutex M2 in goroutine ");
    char *d = strstr(out, "\nMutex M2 previously acquired by the same goroutine here:\n");
    assert_non_null(a);
    assert_true(a < b && b < c && c < d);
    size_t n = strlen(out);
    assert_string_equal(out + n - 19, "==================\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consistent_order_then_one_cycle),
        cmocka_unit_test(test_held_list_recursion_and_release),
        cmocka_unit_test(test_many_locks_held),
        cmocka_unit_test(test_inversion_reported_once),
        cmocka_unit_test(test_three_cycle),
        cmocka_unit_test(test_trylock_adds_no_edge),
        cmocka_unit_test(test_readers_do_not_block_readers),
        cmocka_unit_test(test_forget_drops_edges),
        cmocka_unit_test(test_gate_locks),
        cmocka_unit_test(test_report_layout),
    };
    DET_RUN_TESTS_IN_CHILD(tests);
}
