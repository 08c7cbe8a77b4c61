/* rwlocks in the lock-order graph: one goroutine read-locks R1 and then
 * write-locks R2, another read-locks R2 and then write-locks R1, at
 * different times. Each writer would wait for the other's reader: a
 * potential deadlock, with the read acquisitions named as such. */
#include <pthread.h>
#include <semaphore.h>

static pthread_rwlock_t r1 = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t r2 = PTHREAD_RWLOCK_INITIALIZER;
static sem_t first_done; /* second starts when first is done */

static void *first(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&r1); // LINE:rd1
    pthread_rwlock_wrlock(&r2); // LINE:wr2
    pthread_rwlock_unlock(&r2);
    pthread_rwlock_unlock(&r1);
    sem_post(&first_done);
    return NULL;
}

static void *second(void *arg)
{
    (void)arg;
    sem_wait(&first_done);
    pthread_rwlock_rdlock(&r2); // LINE:rd2
    pthread_rwlock_wrlock(&r1); // LINE:wr1
    pthread_rwlock_unlock(&r1);
    pthread_rwlock_unlock(&r2);
    return NULL;
}

int main(void)
{
    sem_init(&first_done, 0, 0);
    pthread_t t1, t2;
    pthread_create(&t1, NULL, first, NULL);
    pthread_create(&t2, NULL, second, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: POTENTIAL DEADLOCK
// EXPECT: Cycle in lock order graph: M1 ({{ADDR}}) => M2 ({{ADDR}}) => M1
// EXPECT: Mutex M2 acquired here while holding mutex M1 in goroutine 2:
// EXPECT:   first()
// EXPECT:       {{FILE}}:{{LINE:wr2}} {{OFF}}
// EXPECT: Mutex M1 previously read-acquired by the same goroutine here:
// EXPECT:   first()
// EXPECT:       {{FILE}}:{{LINE:rd1}} {{OFF}}
// EXPECT: Mutex M1 acquired here while holding mutex M2 in goroutine 3:
// EXPECT:   second()
// EXPECT:       {{FILE}}:{{LINE:wr1}} {{OFF}}
// EXPECT: Mutex M2 previously read-acquired by the same goroutine here:
// EXPECT:   second()
// EXPECT:       {{FILE}}:{{LINE:rd2}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: POTENTIAL DEADLOCK
