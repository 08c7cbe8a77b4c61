/* Spinlocks taken in opposite orders by two goroutines, each holding its
 * first while the other holds its own: both spin forever. Spinners are
 * counted waiting once they have spun a while, so the cycle is reported
 * as a mutex cycle would be (before, the program spun silently; the same
 * order taken in turns is a POTENTIAL DEADLOCK, and was reported). Its
 * race-free twin, norace_spinlock, keeps goroutines spinning behind a
 * holder that lets go. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static pthread_spinlock_t accounts, audit;
static atomic_int holding; /* relaxed: how many hold their first lock */

/* late: wait a while before the second lock, so that the other
 * goroutine spins first and this one closes the cycle (the report starts
 * with the goroutine that closes it). */
static void take_both(pthread_spinlock_t *first, pthread_spinlock_t *second, int late)
{
    pthread_spin_lock(first); // LINE:first
    atomic_fetch_add_explicit(&holding, 1, memory_order_relaxed);
    while (atomic_load_explicit(&holding, memory_order_relaxed) < 2)
        ;
    if (late) {
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    pthread_spin_lock(second); // LINE:second
    printf("not reached\n");
}

static void *transfer(void *arg)
{
    (void)arg;
    take_both(&accounts, &audit, 0); // LINE:transfer
    return NULL;
}

static void *report(void *arg)
{
    (void)arg;
    take_both(&audit, &accounts, 1); // LINE:report
    return NULL;
}

int main(void)
{
    pthread_spin_init(&accounts, PTHREAD_PROCESS_PRIVATE);
    pthread_spin_init(&audit, PTHREAD_PROCESS_PRIVATE);
    pthread_t t1, t2;
    pthread_create(&t1, NULL, transfer, NULL);
    pthread_create(&t2, NULL, report, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DEADLOCK
// EXPECT: Goroutines waiting for each other in a cycle: 3 -> 2 -> 3
// EXPECT: Goroutine 3 blocks in pthread_spin_lock on spinlock {{ADDR}} held by goroutine 2:
// EXPECT:   take_both()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT:   report()
// EXPECT:       {{FILE}}:{{LINE:report}} {{OFF}}
// EXPECT: Spinlock {{ADDR}} locked by goroutine 2 at:
// EXPECT:   take_both()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT:   transfer()
// EXPECT:       {{FILE}}:{{LINE:transfer}} {{OFF}}
// EXPECT: Goroutine 2 blocks in pthread_spin_lock on spinlock {{ADDR}} held by goroutine 3:
// EXPECT:   take_both()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT:   transfer()
// EXPECT:       {{FILE}}:{{LINE:transfer}} {{OFF}}
// EXPECT: Spinlock {{ADDR}} locked by goroutine 3 at:
// EXPECT:   take_both()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT:   report()
// EXPECT:       {{FILE}}:{{LINE:report}} {{OFF}}
// EXPECT-NOT: not reached
