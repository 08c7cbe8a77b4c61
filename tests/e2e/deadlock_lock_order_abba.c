/* Two goroutines take two mutexes in opposite orders, but at different
 * times (the second joins the first before it starts), so the run never
 * deadlocks: the inversion is reported all the same (a potential
 * deadlock), once. */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *worker_ab(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        pthread_mutex_lock(&a); // LINE:ab_a
        pthread_mutex_lock(&b); // LINE:ab_b
        pthread_mutex_unlock(&b);
        pthread_mutex_unlock(&a);
    }
    return NULL;
}

static void *worker_ba(void *arg)
{
    pthread_join(*(pthread_t *)arg, NULL); /* worker_ab is done */
    for (int i = 0; i < 3; i++) {
        pthread_mutex_lock(&b); // LINE:ba_b
        pthread_mutex_lock(&a); // LINE:ba_a
        pthread_mutex_unlock(&a);
        pthread_mutex_unlock(&b);
    }
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, worker_ab, NULL); // LINE:create_ab
    pthread_create(&t2, NULL, worker_ba, &t1);  // LINE:create_ba
    pthread_join(t2, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: POTENTIAL DEADLOCK
// EXPECT: Cycle in lock order graph: M1 ({{ADDR}}) => M2 ({{ADDR}}) => M1
// EXPECT:
// EXPECT: Mutex M2 acquired here while holding mutex M1 in goroutine 2:
// EXPECT:   worker_ab()
// EXPECT:       {{FILE}}:{{LINE:ab_b}} {{OFF}}
// EXPECT:
// EXPECT: Mutex M1 previously acquired by the same goroutine here:
// EXPECT:   worker_ab()
// EXPECT:       {{FILE}}:{{LINE:ab_a}} {{OFF}}
// EXPECT:
// EXPECT: Mutex M1 acquired here while holding mutex M2 in goroutine 3:
// EXPECT:   worker_ba()
// EXPECT:       {{FILE}}:{{LINE:ba_a}} {{OFF}}
// EXPECT:
// EXPECT: Mutex M2 previously acquired by the same goroutine here:
// EXPECT:   worker_ba()
// EXPECT:       {{FILE}}:{{LINE:ba_b}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_ab}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_ba}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 potential deadlock(s)
// EXPECT-COUNT: 1 WARNING: POTENTIAL DEADLOCK
// EXPECT-NOT: WARNING: DATA RACE
// EXPECT-NOT: WARNING: DEADLOCK
