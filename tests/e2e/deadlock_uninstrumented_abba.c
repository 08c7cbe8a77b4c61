/* The lock-order inversion of deadlock_lock_order_abba.c in a program
 * compiled without instrumentation (-fno-sanitize=thread after crace cc's
 * -fsanitize=thread wins), only preloaded: the interceptors alone find
 * it, and the stacks come from unwinding. */
#include <pthread.h>
#include <semaphore.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static sem_t ab_done; /* worker_ba starts when worker_ab is done */

static void *worker_ab(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&a); // LINE:ab_a
    pthread_mutex_lock(&b); // LINE:ab_b
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    sem_post(&ab_done);
    return NULL;
}

static void *worker_ba(void *arg)
{
    (void)arg;
    sem_wait(&ab_done);
    pthread_mutex_lock(&b); // LINE:ba_b
    pthread_mutex_lock(&a); // LINE:ba_a
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    return NULL;
}

int main(void)
{
    sem_init(&ab_done, 0, 0);
    pthread_t t1, t2;
    pthread_create(&t1, NULL, worker_ab, NULL);
    pthread_create(&t2, NULL, worker_ba, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}

// CFLAGS: -fno-sanitize=thread
// EXPECT-EXIT: 66
// EXPECT: WARNING: POTENTIAL DEADLOCK
// EXPECT: Cycle in lock order graph: M1 ({{ADDR}}) => M2 ({{ADDR}}) => M1
// EXPECT: Mutex M2 acquired here while holding mutex M1 in goroutine 2:
// EXPECT:   worker_ab()
// EXPECT:       {{FILE}}:{{LINE:ab_b}} {{OFF}}
// EXPECT: Mutex M1 previously acquired by the same goroutine here:
// EXPECT:   worker_ab()
// EXPECT:       {{FILE}}:{{LINE:ab_a}} {{OFF}}
// EXPECT: Mutex M1 acquired here while holding mutex M2 in goroutine 3:
// EXPECT:   worker_ba()
// EXPECT:       {{FILE}}:{{LINE:ba_a}} {{OFF}}
// EXPECT: Mutex M2 previously acquired by the same goroutine here:
// EXPECT:   worker_ba()
// EXPECT:       {{FILE}}:{{LINE:ba_b}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: POTENTIAL DEADLOCK
