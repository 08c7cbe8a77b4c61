/* The twin of norace_spin_handoffs' compare-exchange ring: here a failure
 * reads with relaxed order, so the exchange that finds the thread's turn
 * takes no clock, and the plain update of the ring's data races with the
 * previous holder's, though every turn comes after the one before. Three
 * threads, so that waits meet turns they saw before (taken with no lock)
 * and turns released since. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define THREADS 3
#define ROUNDS 200

static atomic_int turn;
static long ring;

static void wait_turn(int self)
{
    for (;;) {
        int seen = -1; /* never stored: the exchange fails and reads the turn */
        atomic_compare_exchange_strong_explicit(&turn, &seen, -1, memory_order_acquire, memory_order_relaxed);
        if (seen == self)
            return;
    }
}

static void *worker(void *arg)
{
    int self = (int)(long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        wait_turn(self);
        ring += self; // LINE:update
        atomic_store_explicit(&turn, (self + 1) % THREADS, memory_order_release);
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
    printf("ring %ld\n", ring);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ring 600
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine {{NUM}}:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:update}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine {{NUM}}:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:update}} {{OFF}}
// EXPECT: Location is global 'ring' of size 8 at {{ADDR}} (race_cas_fail_relaxed_ring+{{ADDR}})
// EXPECT-COUNT: 1 WARNING: DATA RACE
