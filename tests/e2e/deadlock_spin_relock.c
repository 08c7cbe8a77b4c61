/* A spinlock taken again by its holder: stats_reset holds the lock and
 * calls stats_total, which takes it too. The second pthread_spin_lock
 * spins forever (a spinlock never sleeps, so nothing else would notice);
 * reported as a cycle of one when it starts to spin. Its race-free twin,
 * norace_spinlock, keeps several goroutines spinning on a lock
 * another holds, which is no deadlock. */
#include <pthread.h>
#include <stdio.h>

static pthread_spinlock_t stats_lock;
static long hits, misses;

static long stats_total(void)
{
    pthread_spin_lock(&stats_lock); // LINE:inner
    long t = hits + misses;
    pthread_spin_unlock(&stats_lock);
    return t;
}

static void stats_reset(void)
{
    pthread_spin_lock(&stats_lock); // LINE:outer
    printf("resetting %ld\n", stats_total()); // LINE:call
    hits = misses = 0;
    pthread_spin_unlock(&stats_lock);
}

int main(void)
{
    pthread_spin_init(&stats_lock, PTHREAD_PROCESS_PRIVATE);
    hits = 3;
    stats_reset(); // LINE:main
    printf("not reached\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DEADLOCK
// EXPECT: Goroutines waiting for each other in a cycle: 1 -> 1
// EXPECT: Goroutine 1 blocks in pthread_spin_lock on spinlock {{ADDR}} held by goroutine 1:
// EXPECT:   stats_total()
// EXPECT:       {{FILE}}:{{LINE:inner}} {{OFF}}
// EXPECT:   stats_reset()
// EXPECT:       {{FILE}}:{{LINE:call}} {{OFF}}
// EXPECT: Spinlock {{ADDR}} locked by goroutine 1 at:
// EXPECT:   stats_reset()
// EXPECT:       {{FILE}}:{{LINE:outer}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT-NOT: not reached
