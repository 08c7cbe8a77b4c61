/* Two threads update a shared value, each holding a different mutex: the
 * locks order nothing between them. (A plain store: clang instruments
 * x++ as a write only, gcc as a read and a write.) */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int shared;
static pthread_mutex_t mu_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t mu_b = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    pthread_mutex_t *mu = arg;
    pthread_mutex_lock(mu);
    shared = mu == &mu_a ? 1 : 2; // LINE:store
    pthread_mutex_unlock(mu);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, &mu_a); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, worker, &mu_b); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("shared=%d\n", shared);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: shared=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Location is global 'shared' of size 4 at {{ADDR}} (race_wrong_mutex+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
