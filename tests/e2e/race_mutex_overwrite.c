/* A mutex overwritten while another goroutine uses it (Go's
 * TestRaceMutexOverwrite): the reset goroutine assigns a fresh
 * PTHREAD_MUTEX_INITIALIZER to the stats mutex main has locked, and later
 * clears the log mutex with memset before main locks it. A lock is an
 * atomic write of the mutex's first byte, as ThreadSanitizer models it:
 * the plain writes race with it, either way round. Nothing orders the
 * goroutines here (the relaxed counter only times them). Its race-free
 * twin, norace_mutex_reinit, resets mutexes nobody else uses any more. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int step; /* relaxed: orders the run, no happens-before */

static void wait_step(int n)
{
    while (atomic_load_explicit(&step, memory_order_relaxed) < n)
        usleep(1000);
}

static void *reset(void *arg)
{
    (void)arg;
    wait_step(1);
    stats_mu = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER; // LINE:assign
    memset(&log_mu, 0, sizeof log_mu); // LINE:memset
    atomic_store_explicit(&step, 2, memory_order_relaxed);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, reset, NULL);
    pthread_mutex_lock(&stats_mu); // LINE:lock_stats
    pthread_mutex_unlock(&stats_mu);
    atomic_store_explicit(&step, 1, memory_order_relaxed);
    wait_step(2);
    pthread_mutex_lock(&log_mu); // LINE:lock_log
    pthread_mutex_unlock(&log_mu);
    pthread_join(t, NULL);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 2:
// EXPECT:   reset()
// EXPECT:       {{FILE}}:{{LINE:assign}} {{OFF}}
// EXPECT: Previous atomic write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:lock_stats}} {{OFF}}
// EXPECT: Location is global 'stats_mu' of size 40 at {{ADDR}} (race_mutex_overwrite+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Atomic write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:lock_log}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   reset()
// EXPECT:       {{FILE}}:{{LINE:memset}} {{OFF}}
// EXPECT: Location is global 'log_mu' of size 40 at {{ADDR}} (race_mutex_overwrite+{{ADDR}})
// EXPECT: Found 2 data race(s)
