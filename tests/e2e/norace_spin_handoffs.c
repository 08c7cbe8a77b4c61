/* Hand-offs made with atomics alone, by more threads than a small machine
 * has CPUs, each guarding plain data: a spin lock taken with a
 * compare-exchange (__sync, sequentially consistent) and released with a
 * fetch_sub, as in Valgrind's annotate_rwlock; a test-and-test-and-set
 * lock that spins on relaxed loads; a token passed round a ring that each
 * thread waits for with compare-exchanges that always fail (a failure
 * reads, with its failure order: acquire here, C11 7.17.7.4); and one
 * waited for with acquire loads. No report: each wait ends reading the
 * value a release stored, and a wait that takes no lock (its thread holds
 * the atomic's clock already) must still take the clock of a new release.
 * race_cas_fail_relaxed_ring is the twin whose failures are relaxed. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define THREADS 6
#define LOCK_ROUNDS 2000
#define RING_ROUNDS 300

static volatile int cas_lock;
static atomic_int ttas_lock;
static long cas_guarded, ttas_guarded; /* under their locks */
static atomic_int cas_turn, load_turn;
static long cas_ring, load_ring; /* written by the thread whose turn it is */

static void cas_lock_take(void)
{
    while (__sync_val_compare_and_swap(&cas_lock, 0, 1) == 1)
        ;
}

static void ttas_lock_take(void)
{
    while (atomic_exchange_explicit(&ttas_lock, 1, memory_order_acquire))
        while (atomic_load_explicit(&ttas_lock, memory_order_relaxed))
            ;
}

static void cas_wait_turn(int self)
{
    for (;;) {
        int seen = -1; /* never stored: the exchange fails and reads the turn */
        atomic_compare_exchange_strong_explicit(&cas_turn, &seen, -1, memory_order_acquire, memory_order_acquire);
        if (seen == self)
            return;
    }
}

static void *worker(void *arg)
{
    int self = (int)(long)arg;
    for (int i = 0; i < LOCK_ROUNDS; i++) {
        cas_lock_take();
        cas_guarded++;
        (void)__sync_fetch_and_sub(&cas_lock, 1);
        ttas_lock_take();
        ttas_guarded++;
        atomic_store_explicit(&ttas_lock, 0, memory_order_release);
    }
    for (int i = 0; i < RING_ROUNDS; i++) {
        cas_wait_turn(self);
        cas_ring += self;
        atomic_store_explicit(&cas_turn, (self + 1) % THREADS, memory_order_release);
        while (atomic_load_explicit(&load_turn, memory_order_acquire) != self)
            ;
        load_ring += self;
        atomic_store_explicit(&load_turn, (self + 1) % THREADS, memory_order_release);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("locks %ld %ld rings %ld %ld\n", cas_guarded, ttas_guarded, cas_ring, load_ring);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: locks 12000 12000 rings 4500 4500
// EXPECT-NOT: WARNING
