/* Unit tests of detector/shadow.c and the cell rules of access.c: the
 * encoding, byte precision, no eviction of read-shared accesses, and
 * subsumption once an access happens after the others. One test makes a
 * race on purpose: they run in a child (det_test.h). */
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "access.h"
#include "det_test.h"
#include "intercept_signal.h"
#include "report.h"
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
    crace_thread_set_epoch(t, sc_epoch(slot, 1));
    t->own_cell = crace_own_cell(slot);
    t->shcap = 8;
    t->shstack = crace_alloc(t->shcap * sizeof(uintptr_t));
    t->hist = hist_create(1024);
    t->gid = 1000 + slot;
    return t;
}

/* The records of addr's granule, inline and in its overflow chain, in
 * out (up to max); returns how many there are. */
static size_t granule_records(uintptr_t addr, shadow_cell *out, size_t max)
{
    shadow_granule *g = shadow_get(addr);
    size_t n = 0;
    shadow_ovf *o = NULL;
    for (int i = 0; i < SHADOW_INLINE; i++) {
        shadow_cell c = atomic_load(sg_cell(g, i));
        if (sc_is_ovf(c))
            o = sc_to_ovf(c);
        else if (c && n++ < max)
            out[n - 1] = c;
    }
    for (; o; o = atomic_load(&o->next))
        for (int i = 0; i < SHADOW_OVF_CELLS; i++) {
            shadow_cell c = atomic_load(&o->cell[i]);
            if (c && n++ < max)
                out[n - 1] = c;
        }
    return n;
}

static size_t live_cells(uintptr_t addr)
{
    return granule_records(addr, NULL, 0);
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
    unsigned masks = 0;
    for (int i = 0; i < SHADOW_INLINE; i++)
        masks |= sc_mask(atomic_load(sg_cell(g, i)));
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

/* A granule's single record is replaced by an access that happens after
 * it (the next holder of a lock), and kept beside one that does not. */
static void test_single_record_replaced_only_when_ordered(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char word[16];
    crace_thread *a = fake_thread(910), *b = fake_thread(911), *c = fake_thread(912);
    vc_set(&b->vc, a->slot, 1);
    uintptr_t w = (uintptr_t)word;
    crace_access(a, w, 8, true, false, 0x1);
    crace_access(b, w, 8, true, false, 0x2);
    assert_int_equal(live_cells(w), 1);
    shadow_granule *g = shadow_get(w);
    shadow_cell only = 0;
    for (int i = 0; i < SHADOW_INLINE; i++)
        only |= atomic_load(sg_cell(g, i));
    assert_int_equal(sc_slot(only), b->slot);

    /* Other bytes by a thread that does not happen after a: both kept. */
    crace_access(a, w + 8, 4, true, false, 0x3);
    crace_access(c, w + 12, 4, true, false, 0x4);
    assert_int_equal(live_cells(w + 8), 2);
}

/* A read that happens after the granule's last write keeps the write
 * beside it: a read by a thread that does not happen after the write
 * still races with it, and would find nothing if the write were gone.
 * A write that happens after both then replaces them. */
static void test_ordered_read_keeps_the_write(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char word[8];
    uintptr_t w = (uintptr_t)word;
    crace_thread *a = fake_thread(920), *b = fake_thread(921);
    vc_set(&b->vc, a->slot, 1);
    crace_access(a, w, 8, true, false, 0x1);
    crace_access(b, w, 8, false, false, 0x2);
    assert_int_equal(live_cells(w), 2);
    shadow_granule *g = shadow_get(w);
    bool write_kept = false;
    for (int i = 0; i < SHADOW_INLINE; i++) {
        shadow_cell c = atomic_load(sg_cell(g, i));
        write_kept |= c && sc_slot(c) == a->slot && sc_is_write(c);
    }
    assert_true(write_kept);
    crace_access(b, w, 8, true, false, 0x3);
    assert_int_equal(live_cells(w), 1);
}

/* Two threads reading the same word again in each new epoch (a loop
 * bound read after every lock): each read replaces the reader's own
 * earlier one and leaves the other reader's, which it cannot race with:
 * two records, whatever the number of epochs. */
static void test_concurrent_readers_replace_their_own(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char word[8];
    uintptr_t w = (uintptr_t)word;
    crace_thread *a = fake_thread(940), *b = fake_thread(941);
    for (uint64_t epoch = 2; epoch < 10; epoch++) {
        crace_access(a, w, 8, false, false, 0x1);
        crace_access(b, w, 8, false, false, 0x2);
        assert_int_equal(live_cells(w), 2);
        vc_set(&a->vc, a->slot, epoch);
        a->epoch = sc_epoch(a->slot, epoch);
        vc_set(&b->vc, b->slot, epoch);
        b->epoch = sc_epoch(b->slot, epoch);
    }
    shadow_granule *g = shadow_get(w);
    for (int i = 0; i < SHADOW_INLINE; i++) {
        shadow_cell c = atomic_load(sg_cell(g, i));
        if (c)
            assert_int_equal(sc_clock(c), 8); /* the last reads' epoch */
    }
}

/* t moves to clock c of its slot (as after a release). */
static void set_epoch(crace_thread *t, uint64_t c)
{
    vc_set(&t->vc, t->slot, c);
    crace_thread_set_epoch(t, sc_epoch(t->slot, c));
}

/* t learns u's current clock (as by acquiring what u released). */
static void learn(crace_thread *t, const crace_thread *u)
{
    vc_set(&t->vc, u->slot, vc_get(&u->vc, u->slot));
}

static shadow_cell cell_of(uintptr_t addr, uint32_t slot)
{
    shadow_granule *g = shadow_get(addr);
    for (int i = 0; i < SHADOW_INLINE; i++) {
        shadow_cell c = atomic_load(sg_cell(g, i));
        if (c && !sc_is_ovf(c) && sc_slot(c) == slot)
            return c;
    }
    return 0;
}

/* Two threads reading the same word in every epoch and learning each
 * other's epochs in between (the loop bound of threads that synchronise
 * every round): each read covers the other's earlier one, yet replaces
 * only its own and leaves the other's cell untouched, so neither writes
 * the cell the other keeps rewriting. Four such readers take another's
 * covered read once the inline cells are full: no overflow block. */
static void test_ordered_readers_leave_each_others_cells(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char word[8], word4[8];
    uintptr_t w = (uintptr_t)word;
    crace_thread *a = fake_thread(950), *b = fake_thread(951);
    for (uint64_t epoch = 2; epoch < 10; epoch++) {
        shadow_cell b_before = cell_of(w, b->slot);
        crace_access(a, w, 8, false, false, 0x1);
        assert_int_equal(cell_of(w, b->slot), b_before);
        crace_access(b, w, 8, false, false, 0x2);
        assert_int_equal(live_cells(w), 2);
        assert_int_equal(sc_clock(cell_of(w, a->slot)), epoch - 1);
        assert_int_equal(sc_clock(cell_of(w, b->slot)), epoch - 1);
        set_epoch(a, epoch);
        set_epoch(b, epoch);
        learn(a, b);
        learn(b, a);
    }

    uintptr_t w4 = (uintptr_t)word4;
    crace_thread *r[4];
    for (uint32_t i = 0; i < 4; i++)
        r[i] = fake_thread(960 + i);
    for (uint64_t epoch = 2; epoch < 6; epoch++) {
        for (uint32_t i = 0; i < 4; i++) {
            for (uint32_t j = 0; j < 4; j++)
                if (i != j)
                    learn(r[i], r[j]); /* every read so far happened before */
            crace_access(r[i], w4, 8, false, false, 0x10 + i);
            assert_int_equal(cell_of(w4, r[i]->slot), sc_make(r[i]->epoch, 0xff, false, false));
        }
        assert_int_equal(live_cells(w4), SHADOW_INLINE);
        assert_false(sc_is_ovf(atomic_load(sg_cell(shadow_get(w4), SHADOW_OVF_SLOT))));
        for (uint32_t i = 0; i < 4; i++)
            set_epoch(r[i], epoch);
    }
}

/* Byte by byte in one epoch (a struct filled field by field after a lock):
 * the writes widen one record instead of taking a cell each (eight would
 * need an overflow block). The earlier whole-word write, which happens
 * before them all, stays beside it until the record covers its bytes,
 * then goes: every access that races with it races with b's too. */
static void test_same_epoch_bytes_widen_one_record(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char word[8];
    uintptr_t w = (uintptr_t)word;
    crace_thread *a = fake_thread(930), *b = fake_thread(931);
    vc_set(&b->vc, a->slot, 1);
    crace_access(a, w, 8, true, false, 0x1);
    for (int i = 0; i < 7; i++)
        crace_access(b, w + (uintptr_t)i, 1, true, false, 0x10 + (uintptr_t)i);
    assert_int_equal(live_cells(w), 2);
    assert_true(sc_is_write(cell_of(w, a->slot)));
    crace_access(b, w + 7, 1, true, false, 0x17);
    assert_int_equal(live_cells(w), 1);
    shadow_granule *g = shadow_get(w);
    unsigned b_records = 0;
    for (int i = 0; i < SHADOW_INLINE; i++) {
        shadow_cell c = atomic_load(sg_cell(g, i));
        if (c && sc_slot(c) == b->slot) {
            b_records++;
            assert_int_equal(sc_mask(c), 0xff);
        }
    }
    assert_int_equal(b_records, 1);
}

/* Readers of one granule each record their read in their own cell (by
 * slot), where their next accesses look first; a fourth goes to an
 * overflow block, and the owners of the cells keep theirs. A read
 * already recorded, in the overflow block too, changes nothing. */
static void test_reads_go_to_own_cell(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char word[8];
    uintptr_t a = (uintptr_t)word;
    crace_thread *r[SHADOW_INLINE + 1];
    for (uint32_t i = 0; i < SHADOW_INLINE + 1; i++) {
        /* Slots 902, 903, 904: own cells 2, 0, 1, then 2 again. */
        r[i] = fake_thread(902 + i);
        crace_access(r[i], a, 8, false, false, 0x10 + i);
    }
    shadow_granule *g = shadow_get(a);
    for (uint32_t i = 0; i < SHADOW_INLINE; i++) {
        uint32_t slot = 902 + i;
        if (slot % SHADOW_INLINE == SHADOW_OVF_SLOT)
            continue; /* that cell now points to the overflow block */
        shadow_cell c = atomic_load(sg_cell(g, (int)(slot % SHADOW_INLINE)));
        assert_int_equal(sc_slot(c), slot);
    }
    assert_true(sc_is_ovf(atomic_load(sg_cell(g, SHADOW_OVF_SLOT))));
    assert_int_equal(live_cells(a), SHADOW_INLINE + 1);

    /* Each reads again in the same epoch: recorded already (inline or in
     * the overflow block), nothing changes, nothing is added. */
    shadow_ovf *o = sc_to_ovf(atomic_load(sg_cell(g, SHADOW_OVF_SLOT)));
    shadow_cell before[SHADOW_OVF_CELLS];
    for (int i = 0; i < SHADOW_OVF_CELLS; i++)
        before[i] = atomic_load(&o->cell[i]);
    for (uint32_t i = 0; i < SHADOW_INLINE + 1; i++)
        crace_access(r[i], a, 4, false, false, 0x20 + i);
    assert_int_equal(live_cells(a), SHADOW_INLINE + 1);
    assert_null(atomic_load(&o->next));
    for (int i = 0; i < SHADOW_OVF_CELLS; i++)
        assert_int_equal(atomic_load(&o->cell[i]), before[i]);
}

/* The record of slot's thread in addr's granule, overflow blocks
 * included (the last one found). */
static shadow_cell record_of(uintptr_t addr, uint32_t slot)
{
    shadow_granule *g = shadow_get(addr);
    shadow_cell found = 0;
    shadow_ovf *o = NULL;
    for (int i = 0; i < SHADOW_INLINE; i++) {
        shadow_cell c = atomic_load(sg_cell(g, i));
        if (sc_is_ovf(c))
            o = sc_to_ovf(c);
        else if (c && sc_slot(c) == slot)
            found = c;
    }
    for (; o; o = atomic_load(&o->next))
        for (int i = 0; i < SHADOW_OVF_CELLS; i++) {
            shadow_cell c = atomic_load(&o->cell[i]);
            if (c && sc_slot(c) == slot)
                found = c;
        }
    return found;
}

static crace_thread *racy_reader;
static uintptr_t racy_word;

static void read_racy_word(void *arg)
{
    (void)arg;
    crace_access(racy_reader, racy_word, 8, false, false, 0x10);
}

/* The cell t's hint for granule g names, or NULL (thread.h, ovf_hints). */
static _Atomic shadow_cell *hinted_cell(const crace_thread *t, shadow_granule *g)
{
    size_t n = sizeof(t->ovf_hints) / sizeof(t->ovf_hints[0]);
    for (size_t i = 0; i < n; i++)
        if (t->ovf_hints[i].g == g && t->ovf_hints[i].head == atomic_load(sg_cell(g, SHADOW_OVF_SLOT)))
            return t->ovf_hints[i].cell;
    return NULL;
}

/* A word main wrote and four threads read in every epoch (a loop bound):
 * five records, so an overflow block. Each new read replaces the
 * reader's own earlier one wherever it lies and adds nothing. Then a
 * write of half the word by a thread that happens after every read so
 * far (it covers none of them: all stay), which the next read by a
 * reader that does not happen after it races with: reported, although
 * that reader has its own earlier read to replace. */
static void test_shared_read_refreshed_in_overflow(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char word[8];
    uintptr_t w = (uintptr_t)word;
    enum { READERS = 4 };
    crace_thread *m = fake_thread(970), *r[READERS];
    crace_access(m, w, 8, true, false, 0x1);
    for (uint32_t i = 0; i < READERS; i++) {
        r[i] = fake_thread(971 + i);
        learn(r[i], m);
        crace_access(r[i], w, 8, false, false, 0x10 + i);
    }
    assert_true(sc_is_ovf(atomic_load(sg_cell(shadow_get(w), SHADOW_OVF_SLOT))));
    assert_int_equal(live_cells(w), READERS + 1);
    for (uint64_t epoch = 2; epoch < 6; epoch++) {
        for (uint32_t i = 0; i < READERS; i++) {
            set_epoch(r[i], epoch);
            crace_access(r[i], w, 8, false, false, 0x10 + i);
            assert_int_equal(record_of(w, r[i]->slot), sc_make(r[i]->epoch, 0xff, false, false));
            assert_int_equal(live_cells(w), READERS + 1);
            /* Where the record is, for the thread's next reads of this
             * epoch: they are settled there, without the chain's walk:
             * in the thread's own cell (refreshed in place), or where
             * its hint names. */
            shadow_granule *g = shadow_get(w);
            _Atomic shadow_cell *at = (_Atomic shadow_cell *)((char *)g + r[i]->own_cell);
            if (atomic_load(at) != sc_make(r[i]->epoch, 0xff, false, false))
                at = hinted_cell(r[i], g);
            assert_non_null(at);
            assert_int_equal(atomic_load(at), sc_make(r[i]->epoch, 0xff, false, false));
            crace_access(r[i], w, 8, false, false, 0x30 + i);
            assert_int_equal(atomic_load(at), sc_make(r[i]->epoch, 0xff, false, false));
            assert_int_equal(live_cells(w), READERS + 1);
        }
    }
    assert_int_equal(record_of(w, m->slot), sc_make(m->epoch, 0xff, true, false));
    assert_int_equal(report_count(REPORT_DATA_RACE), 0);

    crace_thread *x = fake_thread(980);
    learn(x, m);
    for (uint32_t i = 0; i < READERS; i++)
        learn(x, r[i]);
    crace_access(x, w + 4, 4, true, false, 0x20);
    assert_int_equal(live_cells(w), READERS + 2);
    assert_int_equal(report_count(REPORT_DATA_RACE), 0);
    set_epoch(r[0], 6);
    racy_reader = r[0];
    racy_word = w;
    char *out = det_capture_stderr(read_racy_word, NULL);
    assert_int_equal(report_count(REPORT_DATA_RACE), 1);
    assert_non_null(strstr(out, "WARNING: DATA RACE\nRead at"));
    assert_non_null(strstr(out, "Previous write at"));
    free(out);
}

/* The same with room inline: a word main wrote and one thread reads in
 * every epoch. Each read replaces the reader's record in its own cell
 * (refresh_own) and adds nothing. Then half the word written by a thread
 * the reader does not hear from: the reader's next read in a new epoch
 * finds its own earlier record to replace, yet races with that write, and
 * is reported. */
static void test_own_record_refreshed_inline(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char word[8];
    uintptr_t w = (uintptr_t)word;
    crace_thread *m = fake_thread(985), *r = fake_thread(986), *x = fake_thread(987);
    crace_access(m, w, 8, true, false, 0x1);
    learn(r, m);
    _Atomic shadow_cell *own = (_Atomic shadow_cell *)((char *)shadow_get(w) + r->own_cell);
    for (uint64_t epoch = 1; epoch < 5; epoch++) {
        set_epoch(r, epoch);
        crace_access(r, w, 8, false, false, 0x40);
        assert_int_equal(atomic_load(own), sc_make(r->epoch, 0xff, false, false));
        assert_int_equal(live_cells(w), 2);
    }
    learn(x, m);
    learn(x, r);
    crace_access(x, w + 4, 4, true, false, 0x41);
    assert_int_equal(live_cells(w), 3);
    uint64_t before = report_count(REPORT_DATA_RACE);
    set_epoch(r, 5);
    racy_reader = r;
    racy_word = w;
    char *out = det_capture_stderr(read_racy_word, NULL);
    assert_int_equal(report_count(REPORT_DATA_RACE), before + 1);
    assert_non_null(strstr(out, "WARNING: DATA RACE\nRead at"));
    assert_non_null(strstr(out, "Previous write at"));
    free(out);
}

/* A reset of a range big enough to give whole shadow pages back, across
 * a region boundary: every cell of every granule inside is forgotten, in
 * each plane, and the granules just outside keep theirs. */
static void test_big_reset_clears_every_plane(void **state)
{
    (void)state;
    enum { LEN = 256 * 1024, WRITERS = SHADOW_INLINE + 1 };
    char *map = mmap(NULL, 3 * SHADOW_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(map != MAP_FAILED);
    uintptr_t boundary = ((uintptr_t)map + SHADOW_REGION_SIZE) & ~(uintptr_t)(SHADOW_REGION_SIZE - 1);
    uintptr_t lo = boundary - LEN / 2, hi = boundary + LEN / 2;
    crace_thread *w[WRITERS];
    for (int k = 0; k < WRITERS; k++)
        w[k] = fake_thread(700 + k);
    for (uintptr_t a = lo - 64; a < hi + 64; a += 8)
        for (int k = 0; k < SHADOW_INLINE; k++)
            crace_access(w[k], a, 8, false, false, 0x1);
    /* One granule per page of shadow with an overflow block too. */
    for (uintptr_t a = lo; a < hi; a += 4096)
        crace_access(w[SHADOW_INLINE], a, 8, false, false, 0x2);
    assert_int_equal(live_cells(lo), WRITERS);

    shadow_reset(lo + 8, LEN - 16);
    assert_int_equal(live_cells(lo), WRITERS);
    assert_int_equal(live_cells(hi - 8), SHADOW_INLINE);
    assert_int_equal(live_cells(lo - 8), SHADOW_INLINE);
    for (uintptr_t a = lo + 8; a < hi - 8; a += 8) {
        shadow_granule *g = shadow_get(a);
        for (int i = 0; i < SHADOW_INLINE; i++)
            if (atomic_load(sg_cell(g, i)) != 0)
                fail_msg("cell %d of granule %#lx survived the reset", i, (unsigned long)a);
    }
    munmap(map, 3 * SHADOW_REGION_SIZE);
}

/* A heap block its allocating thread counts as written: every earlier
 * record of its granules is forgotten (an overflow block with them), and
 * the thread's write is in its own cell, with the block's bytes only in
 * a granule it ends inside; the thread's own first write there is
 * covered, and the bytes after the block keep no record. */
static void test_write_range_replaces_every_record(void **state)
{
    (void)state;
    uintptr_t a = (uintptr_t)&mem[1][256];
    crace_thread *r[SHADOW_INLINE + 1];
    for (int k = 0; k <= SHADOW_INLINE; k++) {
        r[k] = fake_thread(720 + k);
        crace_access(r[k], a, 8, false, false, 0x1);
        crace_access(r[k], a + 8, 8, false, false, 0x1);
    }
    assert_int_equal(live_cells(a), SHADOW_INLINE + 1);

    crace_thread *t = fake_thread(730);
    shadow_cell w = sc_make(t->epoch, 0xff, true, false);
    shadow_write_range(a, 13, w, t->own_cell);
    assert_int_equal(live_cells(a), 1);
    assert_int_equal(live_cells(a + 8), 1);
    _Atomic shadow_cell *own0 = (_Atomic shadow_cell *)((char *)shadow_get(a) + t->own_cell);
    _Atomic shadow_cell *own1 = (_Atomic shadow_cell *)((char *)shadow_get(a + 8) + t->own_cell);
    assert_int_equal(atomic_load(own0), w);
    assert_int_equal(atomic_load(own1), sc_make(t->epoch, 0x1f, true, false));
    assert_true(sc_covers_same_epoch(atomic_load(own1), sc_make(t->epoch, 0x0f, true, false)));
    assert_false(sc_covers_same_epoch(atomic_load(own1), sc_make(t->epoch, 0x20, true, false)));
}

/* A write that replaces another thread's record it happens after (a
 * block main filled, then updated by a worker) goes to the writer's own
 * cell, which the fast path reads first, and the replaced record is
 * dropped: the worker's later accesses touch one plane. */
static void test_write_after_other_goes_to_own_cell(void **state)
{
    (void)state;
    uintptr_t a = (uintptr_t)&mem[3][0];
    crace_thread *m = fake_thread(795), *w = fake_thread(796);
    assert_true(m->own_cell != w->own_cell);
    crace_access(m, a, 8, true, false, 0x1);
    learn(w, m);
    crace_access(w, a, 8, true, false, 0x2);
    _Atomic shadow_cell *own = (_Atomic shadow_cell *)((char *)shadow_get(a) + w->own_cell);
    assert_int_equal(atomic_load(own), sc_make(w->epoch, 0xff, true, false));
    assert_int_equal(live_cells(a), 1);
    assert_int_equal(cell_of(a, m->slot), 0);
}

/* Memory for the tests of runs longer than shadow.c's granule-by-granule
 * ones (SMALL_RUN granules): 128 granules. */
static _Alignas(8) unsigned char wide[1024];

/* shadow_write_range from an offset inside a granule to one inside
 * another (or the same one), for each plane a thread's own cell can be
 * in, over a short run (set granule by granule) and a long one (plane by
 * plane): the whole granules hold the record alone, the first and the
 * last one the record of the range's bytes alone, and the granules on
 * either side keep what they had. */
static void test_write_range_partial_granules_every_plane(void **state)
{
    (void)state;
    uintptr_t a = (uintptr_t)&wide[16];
    const size_t lens[] = {3, 21, 901}; /* within one granule, short, long */
    for (int k = 0; k < SHADOW_INLINE; k++) {
        for (size_t l = 0; l < 3; l++) {
            size_t len = lens[l];
            crace_thread *u = fake_thread(780 + 3 * (uint32_t)k + (uint32_t)l);
            crace_thread *t = fake_thread(762 + 3 * (uint32_t)l + (uint32_t)k);
            assert_int_equal(t->own_cell / SHADOW_PLANE_BYTES, (uint32_t)k);
            uintptr_t lo = a - 8, hi = (a + 3 + len + 7 + 8) & ~(uintptr_t)7;
            for (uintptr_t g = lo; g < hi; g += 8)
                crace_access(u, g, 8, false, false, 0x1);
            shadow_cell w = sc_make(t->epoch, 0xff, true, false);
            shadow_write_range(a + 3, len, w, t->own_cell);
            uintptr_t end = a + 3 + len;
            for (uintptr_t g = a; g < end; g += 8) {
                unsigned mask = 0xff;
                if (g == a)
                    mask &= 0xf8;
                if (g + 8 > end)
                    mask &= (1u << (end & 7)) - 1;
                _Atomic shadow_cell *own = (_Atomic shadow_cell *)((char *)shadow_get(g) + t->own_cell);
                assert_int_equal(live_cells(g), 1);
                assert_int_equal(atomic_load(own), sc_make(t->epoch, mask, true, false));
            }
            assert_int_equal(cell_of(lo, u->slot), sc_make(u->epoch, 0xff, false, false));
            assert_int_equal(cell_of(hi - 8, u->slot), sc_make(u->epoch, 0xff, false, false));
            shadow_reset(lo, hi - lo);
        }
    }
}

/* A free of a block its thread wrote in this epoch checks and marks it
 * in one pass (shadow_mark_freed_covered) up to the first granule that
 * holds something else: there it stops, and that granule is left as it
 * was for the general check. The partial last granule counts as covered
 * by a record of the range's bytes. Another epoch, or an address inside
 * a granule, marks nothing. */
static void test_mark_freed_covered_stops_at_other_record(void **state)
{
    (void)state;
    uintptr_t a = (uintptr_t)&wide[512], b = a + 128;
    crace_thread *t = fake_thread(790), *u = fake_thread(791);
    shadow_cell w = sc_make(t->epoch, 0xff, true, false);
    shadow_cell want = sc_make(t->want, 0, true, false);
    uint64_t clock = sc_clock(t->epoch);
    shadow_write_range(a, 45, w, t->own_cell);
    shadow_write_range(a + 24, 8, sc_make(u->epoch, 0xff, true, false), u->own_cell);
    assert_int_equal(shadow_mark_freed_covered(a, 45, t->slot, clock, t->own_cell, want), 24);
    for (uintptr_t g = a; g < a + 24; g += 8) {
        shadow_granule *sg = shadow_get(g);
        assert_int_equal(sc_freed_record(atomic_load(sg_cell(sg, 0)), atomic_load(sg_cell(sg, 1))), w);
        assert_int_equal(atomic_load(sg_cell(sg, 2)), 0);
    }
    assert_int_equal(cell_of(a + 24, u->slot), sc_make(u->epoch, 0xff, true, false));
    assert_int_equal(cell_of(a + 32, t->slot), w);

    shadow_write_range(b, 45, w, t->own_cell);
    assert_int_equal(shadow_mark_freed_covered(b + 1, 44, t->slot, clock, t->own_cell, want), 0);
    assert_int_equal(shadow_mark_freed_covered(b, 45, t->slot, clock, t->own_cell, sc_make(u->want, 0, true, false)),
                     0);
    assert_int_equal(cell_of(b, t->slot), w);
    assert_int_equal(shadow_mark_freed_covered(b, 45, t->slot, clock, t->own_cell, want), 45);
    for (uintptr_t g = b; g < b + 48; g += 8)
        assert_true(sc_is_freed(atomic_load(sg_cell(shadow_get(g), 0))));
    assert_int_equal(live_cells(b + 48), 0);
}

static crace_thread *range_writer;
static uintptr_t range_start;

static void write_range_again(void *arg)
{
    (void)arg;
    crace_access_range(range_writer, range_start, 60, true, 0x7003);
}

/* A range whose first granules the thread's own records cover skips
 * them and goes on with the rest: a granule another thread wrote
 * (unordered: the general path keeps both records) and the fresh
 * granules after it are recorded. What is checked is the shadow; the
 * race's report (its stacks are fakes here) is the e2e suites' to check,
 * and its text is kept out of the test's output. */
static void test_range_goes_on_past_covered_granules(void **state)
{
    (void)state;
    uintptr_t a = (uintptr_t)&mem[2][256];
    crace_thread *t = fake_thread(740), *u = fake_thread(741);
    crace_access_range(t, a + 2, 30, true, 0x7001);
    assert_int_equal(live_cells(a + 24), 1);
    assert_int_equal(live_cells(a + 32), 0);
    crace_access(u, a + 40, 8, true, false, 0x7002);
    range_writer = t;
    range_start = a + 2;
    char *out = det_capture_stderr(write_range_again, NULL); /* t, [a + 2, a + 62) */
    free(out);
    for (uintptr_t g = a; g < a + 64; g += 8)
        assert_int_equal(live_cells(g), g == a + 40 ? 2 : 1);
    /* The last granule, partly written (bytes 0-5 of it): t's record. */
    _Atomic shadow_cell *own = (_Atomic shadow_cell *)((char *)shadow_get(a + 56) + t->own_cell);
    assert_int_equal(atomic_load(own), sc_make(t->epoch, 0x3f, true, false));
}

/* Reads (most of them uses of freed memory), made in a child: a report's
 * tables (pairs of code locations reported, locations, each thread's last
 * pairs) stay the parent's, where the fake threads' reports, whose stacks are all unwound
 * from the same place in the engine, would be one pair reported once. */
struct freed_use {
    crace_thread *t;
    uintptr_t at, pc;
};

static void use_freed(void *arg)
{
    for (const struct freed_use *u = arg; u->t; u++)
        crace_access(u->t, u->at, 4, false, false, u->pc);
}

/* Runs the uses (ended by a null thread) in a child: 10 times the heap
 * uses after free it reported plus the data races, each report checked
 * to be the kind's (99 when one is not). */
static int reports_of(const struct freed_use *uses)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint64_t uaf = report_count(REPORT_HEAP_USE_AFTER_FREE), race = report_count(REPORT_DATA_RACE);
        char *out = det_capture_stderr(use_freed, (void *)uses);
        uaf = report_count(REPORT_HEAP_USE_AFTER_FREE) - uaf;
        race = report_count(REPORT_DATA_RACE) - race;
        bool ok = uaf < 10 && race < 10;
        if (uaf)
            ok = ok && strstr(out, "WARNING: HEAP USE AFTER FREE\nRead at") && strstr(out, "\nPrevious free at");
        if (race)
            ok = ok && strstr(out, "WARNING: DATA RACE\nRead at") && strstr(out, "\nPrevious write at");
        if (!uaf && !race)
            ok = ok && out[0] == '\0';
        _exit(ok ? (int)(10 * uaf + race) : 99);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* A thread that reads both halves of a word in every epoch (two adjacent
 * ints, a loop bound and a count, read after each barrier or lock): the
 * first read of an epoch takes a record of its own, the second widens it
 * to the whole word, and that drops the previous epoch's whole-word
 * record. Before, each epoch left one more record behind, and every
 * access scanned them all (quadratic in the number of epochs). Also with
 * other readers' records in an overflow block (the general path), and
 * for writes. */
static void test_widened_record_drops_older_ones(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char word[8], shared[8], written[8];
    uintptr_t w = (uintptr_t)word, sh = (uintptr_t)shared, wr = (uintptr_t)written;
    crace_thread *a = fake_thread(1100);
    crace_thread *r[4];
    for (uint32_t i = 0; i < 4; i++) {
        r[i] = fake_thread(1101 + i);
        crace_access(r[i], sh, 8, false, false, 0x20 + i);
    }
    assert_true(sc_is_ovf(atomic_load(sg_cell(shadow_get(sh), SHADOW_OVF_SLOT))));
    for (uint64_t epoch = 2; epoch < 40; epoch++) {
        crace_access(a, w + 4, 4, false, false, 0x1);
        crace_access(a, w, 4, false, false, 0x2);
        crace_access(a, sh + 4, 4, false, false, 0x3);
        crace_access(a, sh, 4, false, false, 0x4);
        crace_access(a, wr, 4, true, false, 0x5);
        crace_access(a, wr + 4, 4, true, false, 0x6);
        assert_in_range(live_cells(w), 1, 2);
        assert_in_range(live_cells(sh), 5, 6);
        assert_in_range(live_cells(wr), 1, 2);
        set_epoch(a, epoch);
    }
    /* What is left still races: another thread's read of one half of
     * the written word, ordered after none of a's writes, is reported. */
    assert_int_equal(sc_mask(cell_of(w, a->slot)), 0xff);
    assert_int_equal(sc_mask(cell_of(wr, a->slot)), 0xff);
    crace_thread *x = fake_thread(1110);
    assert_int_equal(reports_of((struct freed_use[]){{x, wr + 4, 0x7}, {0}}), 1);
}

/* A plain read of 4 bytes (a struct freed_use) at the pc on top of its
 * thread's shadow stack. */
static void read_counter(void *arg)
{
    const struct freed_use *u = arg;
    crace_access(u->t, u->at, 4, false, false, 0);
}

/* Two threads' acquire-release RMWs of two 4-byte counters sharing a
 * granule, each operation checked after its acquire (tsan_atomic.c): the
 * other thread's record of the same counter happens before it and is
 * replaced, so the granule keeps at most three records inline and never
 * grows an overflow block (four records, one per thread and counter,
 * sent every operation to the general scan). What is left still races
 * with a plain read ordered after none of it. */
static void test_atomic_rmws_stay_inline(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char pair[8];
    uintptr_t c0 = (uintptr_t)pair, c1 = c0 + 4;
    crace_thread *a = fake_thread(1120), *b = fake_thread(1121);
    for (uint64_t epoch = 2; epoch < 20; epoch++) {
        crace_thread *order[2] = {epoch % 2 ? a : b, epoch % 2 ? b : a};
        for (int k = 0; k < 2; k++) {
            crace_thread *t = order[k], *u = order[1 - k];
            learn(t, u); /* the acquire, before the check */
            crace_access_atomic(t, c0, 4, true, 0x30);
            learn(t, u);
            crace_access_atomic(t, c1, 4, true, 0x31);
            set_epoch(t, epoch); /* the release ends the epoch */
        }
        shadow_granule *g = shadow_get(c0);
        for (int i = 0; i < SHADOW_INLINE; i++)
            assert_false(sc_is_ovf(atomic_load(sg_cell(g, i))));
        assert_in_range(live_cells(c0), 2, 3);
    }
    crace_thread *x = fake_thread(1122);
    /* A stack of its own (reports are made once per pair of innermost
     * locations; a fake thread's would otherwise be the detector's own
     * frames, as in the other tests' reports). */
    x->shstack[x->depth++] = 0x32;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint64_t before = report_count(REPORT_DATA_RACE);
        char *out = det_capture_stderr(read_counter, &(struct freed_use){x, c1, 0});
        bool ok = report_count(REPORT_DATA_RACE) == before + 1 && strstr(out, "WARNING: DATA RACE\nRead at") &&
                  strstr(out, "\nPrevious atomic write at");
        _exit(ok ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* An atomic write of 8 bytes (a struct freed_use) at its pc. */
static void add_atomically(void *arg)
{
    const struct freed_use *u = arg;
    crace_access_atomic(u->t, u->at, 8, true, u->pc);
}

/* A read of 8 bytes (a struct freed_use) at its pc. */
static void read_word(void *arg)
{
    const struct freed_use *u = arg;
    crace_access(u->t, u->at, 8, false, false, u->pc);
}

/* The races reported by access(u), made in a child: 100 when a report
 * does not name this access (now) and the previous one (then). */
static int child_reports(void (*access)(void *), const struct freed_use *u, const char *now, const char *then)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint64_t before = report_count(REPORT_DATA_RACE);
        char *out = det_capture_stderr(access, (void *)u);
        bool named = !strstr(out, "WARNING") || (strstr(out, now) && strstr(out, then));
        _exit(named ? (int)(report_count(REPORT_DATA_RACE) - before) : 100);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* A thread's atomic updates of a counter replace its own record, in its
 * own cell, without the recheck mark. Another thread's plain read of the
 * counter (ordered after those updates) marks the record; one of other
 * bytes, or of a counter only read atomically, does not. The updater's
 * next update races with the read unless it learned of it: reported
 * when not, and in both cases the record it leaves is unmarked again. */
static void test_plain_read_marks_atomic_record(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char counter[8], pair[8], polled[8];
    uintptr_t w = (uintptr_t)counter, p = (uintptr_t)pair, q = (uintptr_t)polled;
    crace_thread *a = fake_thread(1130), *m = fake_thread(1131);
    _Atomic shadow_cell *own = (_Atomic shadow_cell *)((char *)shadow_get(w) + a->own_cell);
    for (uint64_t epoch = 2; epoch < 5; epoch++) {
        set_epoch(a, epoch);
        crace_access_atomic(a, w, 8, true, 0x50);
        crace_access_atomic(a, p, 4, true, 0x51);
        crace_access_atomic(a, q, 8, false, 0x52);
        assert_int_equal(atomic_load(own), sc_make(a->epoch, 0xff, true, true));
    }
    learn(m, a);
    crace_access(m, p + 4, 4, false, false, 0x53); /* other bytes */
    crace_access(m, q, 8, false, false, 0x54);     /* beside an atomic read */
    assert_false(cell_of(p, a->slot) & SC_RECHECK_BIT);
    assert_false(cell_of(q, a->slot) & SC_RECHECK_BIT);
    crace_access(m, w, 8, false, false, 0x55);
    assert_int_equal(atomic_load(own), sc_make(sc_epoch(a->slot, 4), 0xff, true, true) | SC_RECHECK_BIT);

    /* Not learned: the read races with the next update. */
    set_epoch(a, 5);
    a->shstack[a->depth++] = 0x56;
    assert_int_equal(
        child_reports(add_atomically, &(struct freed_use){a, w, 0x57}, "Atomic write at", "\nPrevious read at"), 1);
    /* Learned: no race, and the record is unmarked. */
    learn(a, m);
    uint64_t before = report_count(REPORT_DATA_RACE);
    crace_access_atomic(a, w, 8, true, 0x58);
    assert_int_equal(report_count(REPORT_DATA_RACE), before);
    assert_int_equal(atomic_load(own), sc_make(a->epoch, 0xff, true, true));
}

/* A thread reading a word in every epoch replaces its read in its own
 * cell, unmarked. Another thread's write of some of its bytes marks the
 * read (a write of other bytes does not), and the reader's next read,
 * not ordered after that write, is reported; once ordered, it is not,
 * and its record is unmarked again. A read stored beside another
 * thread's atomic write marks itself: that write's owner replaces it
 * without looking, so would never mark the read. */
static void test_write_marks_read_record(void **state)
{
    (void)state;
    static _Alignas(8) unsigned char word[8], half[8], flag[8];
    uintptr_t w = (uintptr_t)word, h = (uintptr_t)half, f = (uintptr_t)flag;
    crace_thread *m = fake_thread(1140), *r = fake_thread(1141), *x = fake_thread(1142), *a = fake_thread(1143);
    crace_access(m, w, 8, true, false, 0x60);
    crace_access(m, h, 8, true, false, 0x61);
    learn(r, m);
    _Atomic shadow_cell *own = (_Atomic shadow_cell *)((char *)shadow_get(w) + r->own_cell);
    _Atomic shadow_cell *own_h = (_Atomic shadow_cell *)((char *)shadow_get(h) + r->own_cell);
    for (uint64_t epoch = 2; epoch < 5; epoch++) {
        set_epoch(r, epoch);
        crace_access(r, w, 8, false, false, 0x62);
        crace_access(r, h, 4, false, false, 0x63);
        assert_int_equal(atomic_load(own), sc_make(r->epoch, 0xff, false, false));
        assert_int_equal(atomic_load(own_h), sc_make(r->epoch, 0x0f, false, false));
    }
    learn(x, m);
    learn(x, r);
    crace_access(x, w + 4, 4, true, false, 0x64);
    crace_access(x, h + 4, 4, true, false, 0x65); /* the bytes r does not read */
    assert_int_equal(atomic_load(own), sc_make(r->epoch, 0xff, false, false) | SC_RECHECK_BIT);
    assert_int_equal(atomic_load(own_h), sc_make(r->epoch, 0x0f, false, false));

    set_epoch(r, 5);
    r->shstack[r->depth++] = 0x66;
    assert_int_equal(child_reports(read_word, &(struct freed_use){r, w, 0x67}, "Read at", "\nPrevious write at"),
                     1);
    learn(r, x);
    uint64_t before = report_count(REPORT_DATA_RACE);
    crace_access(r, w, 8, false, false, 0x68);
    assert_int_equal(report_count(REPORT_DATA_RACE), before);
    assert_int_equal(atomic_load(own), sc_make(r->epoch, 0xff, false, false));

    crace_access_atomic(a, f, 8, true, 0x69);
    learn(r, a);
    crace_access(r, f, 8, false, false, 0x6a);
    _Atomic shadow_cell *own_f = (_Atomic shadow_cell *)((char *)shadow_get(f) + r->own_cell);
    assert_int_equal(atomic_load(own_f), sc_make(r->epoch, 0xff, false, false) | SC_RECHECK_BIT);
    assert_int_equal(report_count(REPORT_DATA_RACE), before);
}

/* Freed memory's marks (shadow.h): the free's slot and clock, read back
 * as its write record; no access is ever covered by them, the freeing
 * thread's own included, so each use reaches the slow path: a use
 * ordered after the free is a heap use after free, one not ordered a race
 * with the free. A use is not recorded: the marks stay.
 * shadow_unmark_freed drops the marks and nothing else, or leaves the
 * free's write record in their place. */
static void test_freed_marks_report_every_use(void **state)
{
    (void)state;
    uintptr_t a = (uintptr_t)&mem[1][384];
    crace_thread *t = fake_thread(750), *u = fake_thread(751), *v = fake_thread(752);
    crace_access(t, a, 8, true, false, 0x8001);
    crace_access(v, a + 32, 8, true, false, 0x8002); /* past the block */
    shadow_mark_freed(a, 20, t->slot, sc_clock(t->epoch));
    shadow_cell free_write = sc_make(t->epoch, 0xff, true, false);
    for (uintptr_t g = a; g < a + 24; g += 8) {
        shadow_cell when = atomic_load(sg_cell(shadow_get(g), 0)), by = atomic_load(sg_cell(shadow_get(g), 1));
        assert_true(sc_is_freed(when));
        assert_int_equal(sc_freed_record(when, by), free_write);
        assert_int_equal(atomic_load(sg_cell(shadow_get(g), 2)), 0);
        const uint64_t wants[] = {t->want, u->want, CRACE_WANT_NONE};
        for (size_t w = 0; w < 3; w++)
            for (int kind = 0; kind < 4; kind++) {
                shadow_cell want = sc_make(wants[w], 0, kind & 1, kind & 2);
                assert_false(sc_covers_fast(when, want, 0, kind & 1));
                assert_false(sc_covers_fast(by, want, 0, kind & 1));
            }
    }
    assert_int_equal(cell_of(a + 32, v->slot), sc_make(v->epoch, 0xff, true, false));
    assert_int_equal(sc_freed_record(0, 0), 0);

    /* The freeing thread, twice (one report: the same code). */
    assert_int_equal(reports_of((struct freed_use[]){{t, a + 8, 0x8010}, {t, a + 16, 0x8010}, {0}}), 10);
    assert_int_equal(reports_of((struct freed_use[]){{u, a, 0x8020}, {0}}), 1); /* not after the free */
    assert_int_equal(reports_of((struct freed_use[]){{v, a + 32, 0x8021}, {0}}), 0); /* past the block */
    assert_true(sc_is_freed(atomic_load(sg_cell(shadow_get(a + 8), 0))));
    learn(u, t);
    assert_int_equal(reports_of((struct freed_use[]){{u, a + 8, 0x8030}, {0}}), 10);

    shadow_unmark_freed(a + 16, 4, true);
    assert_int_equal(live_cells(a + 16), 1);
    assert_int_equal(cell_of(a + 16, t->slot), free_write);
    assert_true(sc_is_freed(atomic_load(sg_cell(shadow_get(a + 8), 0))));
    shadow_unmark_freed(a, 24, false);
    for (uintptr_t g = a; g < a + 16; g += 8)
        assert_int_equal(live_cells(g), 0);
    assert_int_equal(cell_of(a + 16, t->slot), free_write); /* a record, not a mark: kept */
    assert_int_equal(cell_of(a + 32, v->slot), sc_make(v->epoch, 0xff, true, false));
    crace_access(u, a, 4, false, false, 0x8040);
    assert_int_equal(cell_of(a, u->slot), sc_make(u->epoch, 0x0f, false, false));
}

/* The runner the access slow path calls for a deferred signal: counts
 * its calls and ends the deferral, as intercept_signal.c's does. */
static int runner_calls;
static void count_runner(crace_thread *t, uintptr_t at)
{
    (void)at;
    runner_calls++;
    __atomic_fetch_and(&t->ignore, ~CRACE_IGNORE_SIGNAL, __ATOMIC_RELAXED);
    crace_thread_set_epoch(t, t->epoch);
}

/* The fast path does not test ignore; a signal deferred while the thread
 * was inside the detector sets want to match no cell instead, so even an
 * access the shadow covers goes to the slow path, which runs the handler
 * (a loop polling a flag the handler sets would spin forever otherwise).
 * A new epoch while the signal waits keeps it waiting. */
static void test_deferred_signal_reaches_slow_path(void **state)
{
    (void)state;
    uintptr_t a = (uintptr_t)&mem[0][256];
    crace_thread *t = fake_thread(206);
    crace_thread *saved = crace_cur;
    void (*saved_runner)(crace_thread *, uintptr_t) = crace_signal_runner;
    crace_cur = t;
    crace_signal_runner = count_runner;
    runner_calls = 0;

    crace_access_inline(a, 8, true, false, 0x1000);
    crace_access_inline(a, 8, false, false, 0x1004); /* covered by the write */
    assert_int_equal(runner_calls, 0);
    assert_int_equal(t->want, t->epoch | 0xff);

    __atomic_fetch_or(&t->ignore, CRACE_IGNORE_SIGNAL, __ATOMIC_RELAXED);
    t->want = CRACE_WANT_NONE; /* as intercept_signal.c's defer() */
    set_epoch(t, 2);
    assert_int_equal(t->want, CRACE_WANT_NONE);
    crace_access_inline(a, 8, true, false, 0x1008);
    assert_int_equal(runner_calls, 1);
    assert_int_equal(t->want, t->epoch | 0xff);
    /* After the handler, the access itself was recorded in the new epoch. */
    crace_access_inline(a, 8, true, false, 0x100c);
    assert_int_equal(runner_calls, 1);
    assert_int_equal(sc_clock(atomic_load(sg_cell(shadow_get(a), 0)) | atomic_load(sg_cell(shadow_get(a), 1)) |
                              atomic_load(sg_cell(shadow_get(a), 2))),
                     2);

    crace_signal_runner = saved_runner;
    crace_cur = saved;
}

/*
 * Two threads storing new records into one granule at the same moment,
 * at other bytes (a plain variable beside an atomic one in one word):
 * no race, so both records must stay. Three concurrent reads fill the
 * inline cells first, so each store moves a record out to an overflow
 * block; the two threads go through the granules in step. Records were
 * lost two ways: the store whose compare-and-swap lost was dropped (up
 * to a third of the writes here), and a store that found the other's
 * overflow pointer where it had scanned a record moved that pointer
 * into its own block, hiding the other's chain.
 */
enum { LOCKSTEP_GRANULES = 4096 };
static _Alignas(8) uint64_t lockstep_words[LOCKSTEP_GRANULES];
static _Atomic unsigned lockstep_at[2];

struct lockstep_side {
    crace_thread *t;
    int me;
    uintptr_t offset;
    size_t size;
    bool is_write;
};

static void *lockstep_run(void *arg)
{
    const struct lockstep_side *s = arg;
    for (unsigned k = 0; k < LOCKSTEP_GRANULES; k++) {
        atomic_store(&lockstep_at[s->me], k + 1);
        while (atomic_load(&lockstep_at[!s->me]) < k + 1)
            ;
        crace_access(s->t, (uintptr_t)&lockstep_words[k] + s->offset, s->size, s->is_write, false, 0x1);
    }
    return NULL;
}

/* Whether granule addr holds a record of slot with mask and write bit. */
static bool has_record(uintptr_t addr, uint32_t slot, unsigned mask, bool is_write)
{
    shadow_cell c[16];
    size_t n = granule_records(addr, c, 16);
    for (size_t i = 0; i < n && i < 16; i++)
        if (sc_slot(c[i]) == slot && sc_mask(c[i]) == mask && sc_is_write(c[i]) == is_write)
            return true;
    return false;
}

static void test_concurrent_stores_keep_both_records(void **state)
{
    (void)state;
    crace_thread *fill[SHADOW_INLINE];
    for (int i = 0; i < SHADOW_INLINE; i++)
        fill[i] = fake_thread(1150 + (uint32_t)i);
    for (unsigned k = 0; k < LOCKSTEP_GRANULES; k++)
        for (int i = 0; i < SHADOW_INLINE; i++)
            crace_access(fill[i], (uintptr_t)&lockstep_words[k], 4, false, false, 0x1);
    struct lockstep_side w = {fake_thread(1160), 0, 4, 1, true}, r = {fake_thread(1161), 1, 0, 4, false};
    pthread_t tw, tr;
    assert_int_equal(pthread_create(&tw, NULL, lockstep_run, &w), 0);
    assert_int_equal(pthread_create(&tr, NULL, lockstep_run, &r), 0);
    assert_int_equal(pthread_join(tw, NULL), 0);
    assert_int_equal(pthread_join(tr, NULL), 0);
    unsigned lost_writes = 0, lost_reads = 0;
    for (unsigned k = 0; k < LOCKSTEP_GRANULES; k++) {
        lost_writes += !has_record((uintptr_t)&lockstep_words[k], w.t->slot, 0x10, true);
        lost_reads += !has_record((uintptr_t)&lockstep_words[k], r.t->slot, 0x0f, false);
    }
    assert_int_equal(lost_writes, 0);
    assert_int_equal(lost_reads, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* First: its children must not inherit the reports of others. */
        cmocka_unit_test(test_freed_marks_report_every_use),
        cmocka_unit_test(test_cell_encoding_roundtrip),
        cmocka_unit_test(test_same_thread_keeps_one_cell),
        cmocka_unit_test(test_read_shared_is_never_evicted),
        cmocka_unit_test(test_adjacent_bytes_kept_apart),
        cmocka_unit_test(test_reset_forgets),
        cmocka_unit_test(test_single_record_replaced_only_when_ordered),
        cmocka_unit_test(test_ordered_read_keeps_the_write),
        cmocka_unit_test(test_same_epoch_bytes_widen_one_record),
        cmocka_unit_test(test_widened_record_drops_older_ones),
        cmocka_unit_test(test_concurrent_readers_replace_their_own),
        cmocka_unit_test(test_ordered_readers_leave_each_others_cells),
        cmocka_unit_test(test_reads_go_to_own_cell),
        cmocka_unit_test(test_shared_read_refreshed_in_overflow),
        cmocka_unit_test(test_own_record_refreshed_inline),
        cmocka_unit_test(test_big_reset_clears_every_plane),
        cmocka_unit_test(test_write_range_replaces_every_record),
        cmocka_unit_test(test_write_after_other_goes_to_own_cell),
        cmocka_unit_test(test_write_range_partial_granules_every_plane),
        cmocka_unit_test(test_mark_freed_covered_stops_at_other_record),
        cmocka_unit_test(test_range_goes_on_past_covered_granules),
        cmocka_unit_test(test_atomic_rmws_stay_inline),
        cmocka_unit_test(test_plain_read_marks_atomic_record),
        cmocka_unit_test(test_write_marks_read_record),
        cmocka_unit_test(test_deferred_signal_reaches_slow_path),
        cmocka_unit_test(test_concurrent_stores_keep_both_records),
    };
    DET_RUN_TESTS_IN_CHILD(tests);
}
