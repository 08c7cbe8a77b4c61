/* A reader-writer spin lock of the program's own, on relaxed atomics
 * (which order nothing by themselves), described to the detector with
 * ThreadSanitizer's custom mutex interface (<sanitizer/tsan_interface.h>).
 * Writers update a counter under the write lock, readers read it under
 * the read lock, and a try-lock that finds the lock taken says so: no
 * race. Without the annotations every access below would race; inside
 * the lock's own code (pre to post) the relaxed atomics are not checked.
 * Threads are ordered in time by test.h's invisible barrier, so a race
 * the annotations did not prevent would be found. */
#include <pthread.h>
#include <sanitizer/tsan_interface.h>
#include <stdio.h>

void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count);
void __tsan_testonly_barrier_wait(unsigned *barrier);

#define WRITER 0x40000000

struct rwspin {
    int word; /* WRITER, or the number of readers */
};

static void rw_lock(struct rwspin *l, int read)
{
    unsigned flags = read ? __tsan_mutex_read_lock : 0;
    __tsan_mutex_pre_lock(l, flags);
    for (;;) {
        int v = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
        if (read ? !(v & WRITER) : v == 0) {
            if (__atomic_compare_exchange_n(&l->word, &v, read ? v + 1 : WRITER, 0, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED))
                break;
        }
    }
    __tsan_mutex_post_lock(l, flags, 0);
}

/* Takes the write lock if free; 0 when it was taken. */
static int rw_trylock(struct rwspin *l)
{
    __tsan_mutex_pre_lock(l, __tsan_mutex_try_lock);
    int v = 0;
    int ok = __atomic_compare_exchange_n(&l->word, &v, WRITER, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    __tsan_mutex_post_lock(l, ok ? __tsan_mutex_try_lock : __tsan_mutex_try_lock_failed, 0);
    return ok;
}

static void rw_unlock(struct rwspin *l, int read)
{
    unsigned flags = read ? __tsan_mutex_read_lock : 0;
    __tsan_mutex_pre_unlock(l, flags);
    if (read)
        __atomic_fetch_sub(&l->word, 1, __ATOMIC_RELAXED);
    else
        __atomic_store_n(&l->word, 0, __ATOMIC_RELAXED);
    __tsan_mutex_post_unlock(l, flags);
}

static struct rwspin lock;
static unsigned barrier;
static long counter, seen[2];
static int try_failed;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    rw_lock(&lock, 0);
    counter += 10;
    rw_unlock(&lock, 0);
    __tsan_testonly_barrier_wait(&barrier); /* 1: both wrote */
    rw_lock(&lock, 1);
    seen[id] = counter;
    __tsan_testonly_barrier_wait(&barrier); /* 2: both hold the read lock */
    if (id == 0)
        try_failed = !rw_trylock(&lock);
    __tsan_testonly_barrier_wait(&barrier); /* 3 */
    rw_unlock(&lock, 1);
    __tsan_testonly_barrier_wait(&barrier); /* 4: both read */
    if (id == 1) {
        rw_lock(&lock, 0);
        counter++;
        rw_unlock(&lock, 0);
    }
    return NULL;
}

int main(void)
{
    __tsan_mutex_create(&lock, 0);
    __tsan_testonly_barrier_init(&barrier, 2);
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    __tsan_mutex_destroy(&lock, 0);
    printf("counter=%ld seen=%ld,%ld try_failed=%d\n", counter, seen[0], seen[1], try_failed);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: counter=21 seen=20,20 try_failed=1
// EXPECT-NOT: WARNING
