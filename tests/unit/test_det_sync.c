/* Unit tests of detector/sync.c: release/acquire move clocks through sync
 * objects, release-store replaces, objects are forgotten by address and by
 * range, and the table is safe under concurrent use. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "sync.h"
#include "thread.h"

static char objects[64];
#define OBJ(i) ((uintptr_t)&objects[i])

/* A thread record of our own in a slot no real thread uses, so only the
 * operations under test can carry its clock to the main thread. */
static crace_thread *fake_thread(uint32_t slot, uint64_t clock)
{
    crace_thread *t = crace_alloc(sizeof(*t));
    t->slot = slot;
    vc_init(&t->vc);
    vc_set(&t->vc, slot, clock);
    crace_thread_set_epoch(t, sc_epoch(slot, clock));
    t->hist = hist_create(1024);
    return t;
}

static void test_release_then_acquire_orders(void **state)
{
    (void)state;
    crace_thread *other = fake_thread(50000, 7);
    crace_release(other, OBJ(0));
    /* The release advanced its clock: later events are not published. */
    assert_int_equal(vc_get(&other->vc, 50000), 8);
    crace_thread *me = crace_thr();
    assert_int_equal(vc_get(&me->vc, 50000), 0);
    crace_acquire(me, OBJ(0));
    assert_int_equal(vc_get(&me->vc, 50000), 7);
    /* An acquire of an object nobody released teaches nothing. */
    crace_acquire(me, OBJ(2));
    assert_int_equal(vc_get(&me->vc, 50000), 7);
}

static void test_release_store_replaces(void **state)
{
    (void)state;
    crace_thread *me = crace_thr();
    sync_var *s = sync_lock(OBJ(1), true, 0);
    vc_set(&s->vc, 60000, 99); /* a clock from an unrelated slot */
    sync_unlock(s);
    crace_release_store(me, OBJ(1));
    s = sync_lock(OBJ(1), false, 0);
    assert_non_null(s);
    assert_int_equal(vc_get(&s->vc, 60000), 0);
    assert_true(vc_get(&s->vc, me->slot) > 0);
    sync_unlock(s);
    crace_release(me, OBJ(1)); /* a plain release joins */
    s = sync_lock(OBJ(1), false, 0);
    assert_int_equal(vc_get(&s->vc, 60000), 0);
    sync_unlock(s);
}

static void test_free_and_free_range(void **state)
{
    (void)state;
    crace_thread *me = crace_thr();
    for (int i = 8; i < 24; i++)
        crace_release(me, OBJ(i));
    sync_free(OBJ(8));
    assert_null(sync_lock(OBJ(8), false, 0));
    sync_free_range(OBJ(10), 8); /* 10..17 */
    for (int i = 9; i < 24; i++) {
        sync_var *s = sync_lock(OBJ(i), false, 0);
        if (i >= 10 && i < 18) {
            assert_null(s);
        } else {
            assert_non_null(s);
            sync_unlock(s);
        }
    }
}

/* Many objects (an array of atomic counters, one lock per page of a
 * table): each is found again as the one for its address, those in a
 * forgotten range are gone and the others stay. Two layouts: packed (a
 * page's granules share a stretch of consecutive buckets) and one per
 * page (pages whose stretches collide share buckets). */
#define MANY 40000
static void test_many_objects(void **state)
{
    (void)state;
    /* A low slot: each object's clock is as long as the releaser's. */
    crace_thread *me = fake_thread(5, 1);
    size_t len = (size_t)MANY * 4096;
    char *base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    assert_true(base != MAP_FAILED);
    const size_t strides[] = {8, 4096};
    for (size_t k = 0; k < 2; k++) {
        uintptr_t a0 = (uintptr_t)base;
        size_t stride = strides[k];
        for (size_t i = 0; i < MANY; i++)
            crace_release(me, a0 + i * stride);
        for (size_t i = 0; i < MANY; i++) {
            sync_var *s = sync_lock(a0 + i * stride, false, 0);
            assert_non_null(s);
            assert_int_equal(atomic_load(&s->addr), a0 + i * stride);
            sync_unlock(s);
        }
        /* The first half forgotten by range, the second object by object. */
        assert_true(sync_free_range(a0, MANY / 2 * stride));
        for (size_t i = 0; i < MANY; i++) {
            sync_var *s = sync_lock(a0 + i * stride, false, 0);
            if (i < MANY / 2) {
                assert_null(s);
            } else {
                assert_non_null(s);
                sync_unlock(s);
                sync_free(a0 + i * stride);
            }
        }
        assert_false(sync_free_range(a0, len));
    }
    munmap(base, len);
}

#define THREADS 4
#define ROUNDS 20000

static void *hammer(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    crace_thread *t = crace_thr();
    for (int i = 0; i < ROUNDS; i++) {
        seed = seed * 1103515245u + 12345u;
        uintptr_t a = OBJ(32 + (seed >> 16) % 16);
        switch ((seed >> 8) % 4) {
        case 0: crace_release(t, a); break;
        case 1: crace_acquire(t, a); break;
        case 2: crace_acq_rel(t, a); break;
        default: sync_free(a); break;
        }
    }
    return NULL;
}

/* Lookups without a lock racing with forgetting and re-creating the same
 * addresses: an object sync_lock returns is the one for that address and
 * is held by nobody else (the counts of a plain increment under its lock
 * add up; the sanitizer builds check the rest). */
#define LOOKUP_OBJS 4
static _Atomic unsigned long counted; /* by objects forgotten */

/* An object's count, its ext record: forgetting the object adds it up. */
static void count_dropped(void *ext)
{
    counted += *(unsigned long *)ext;
    crace_free(ext);
}

static void *lookup_hammer(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    unsigned long mine = 0;
    for (int i = 0; i < ROUNDS; i++) {
        seed = seed * 1103515245u + 12345u;
        uintptr_t a = OBJ(48 + (seed >> 16) % LOOKUP_OBJS);
        if ((seed >> 8) % 8 == 0) {
            sync_free(a);
            continue;
        }
        sync_var *s = sync_lock(a, true, 0);
        assert_int_equal(atomic_load(&s->addr), a);
        if (!s->ext) {
            s->ext = crace_alloc(sizeof(unsigned long));
            s->ext_free = count_dropped;
        }
        unsigned long *n = s->ext;
        unsigned long v = *n;
        *n = v + 1;
        sync_unlock(s);
        mine++;
    }
    return (void *)mine;
}

static void test_lookup_races_with_forgetting(void **state)
{
    (void)state;
    pthread_t th[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, lookup_hammer, (void *)(i + 7));
    unsigned long made = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(th[i], &r);
        made += (unsigned long)r;
    }
    sync_free_range(OBJ(48), LOOKUP_OBJS);
    assert_true(made > 0);
    assert_int_equal(counted, made);
}

static void test_concurrent_use(void **state)
{
    (void)state;
    pthread_t th[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, hammer, (void *)(i + 1));
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    /* Still consistent: every object can be taken and forgotten. */
    sync_free_range(OBJ(32), 16);
    for (int i = 32; i < 48; i++)
        assert_null(sync_lock(OBJ(i), false, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_release_then_acquire_orders),
        cmocka_unit_test(test_release_store_replaces),
        cmocka_unit_test(test_free_and_free_range),
        cmocka_unit_test(test_many_objects),
        cmocka_unit_test(test_concurrent_use),
        cmocka_unit_test(test_lookup_races_with_forgetting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
