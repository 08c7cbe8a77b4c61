/* Every lock goes through one helper, so each pthread_mutex_lock call is
 * made at the same pc, at the same depth: only the helper's callers tell
 * the locks apart. A detector that reuses the stack of a lock made at
 * the same place must compare those frames too: the report names the
 * caller's line of each lock. */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static __attribute__((noinline)) void take(pthread_mutex_t *m)
{
    pthread_mutex_lock(m); // LINE:take
}

static void *worker_ab(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        take(&a); // LINE:ab_a
        take(&b); // LINE:ab_b
        pthread_mutex_unlock(&b);
        pthread_mutex_unlock(&a);
    }
    return NULL;
}

static void *worker_ba(void *arg)
{
    pthread_join(*(pthread_t *)arg, NULL); /* worker_ab is done */
    for (int i = 0; i < 3; i++) {
        take(&b); // LINE:ba_b
        take(&a); // LINE:ba_a
        pthread_mutex_unlock(&a);
        pthread_mutex_unlock(&b);
    }
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, worker_ab, NULL);
    pthread_create(&t2, NULL, worker_ba, &t1);
    pthread_join(t2, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: POTENTIAL DEADLOCK
// EXPECT: Mutex M2 acquired here while holding mutex M1 in goroutine 2:
// EXPECT:   take()
// EXPECT:       {{FILE}}:{{LINE:take}} {{OFF}}
// EXPECT:   worker_ab()
// EXPECT:       {{FILE}}:{{LINE:ab_b}} {{OFF}}
// EXPECT:
// EXPECT: Mutex M1 previously acquired by the same goroutine here:
// EXPECT:   take()
// EXPECT:       {{FILE}}:{{LINE:take}} {{OFF}}
// EXPECT:   worker_ab()
// EXPECT:       {{FILE}}:{{LINE:ab_a}} {{OFF}}
// EXPECT:
// EXPECT: Mutex M1 acquired here while holding mutex M2 in goroutine 3:
// EXPECT:   take()
// EXPECT:       {{FILE}}:{{LINE:take}} {{OFF}}
// EXPECT:   worker_ba()
// EXPECT:       {{FILE}}:{{LINE:ba_a}} {{OFF}}
// EXPECT:
// EXPECT: Mutex M2 previously acquired by the same goroutine here:
// EXPECT:   take()
// EXPECT:       {{FILE}}:{{LINE:take}} {{OFF}}
// EXPECT:   worker_ba()
// EXPECT:       {{FILE}}:{{LINE:ba_b}} {{OFF}}
// EXPECT: Found 1 potential deadlock(s)
// EXPECT-COUNT: 1 WARNING: POTENTIAL DEADLOCK
