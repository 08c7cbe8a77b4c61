/* A gate that does not keep out: both goroutines nest A and B in
 * opposite orders while holding the rwlock G for reading, which both can
 * hold at once. A potential deadlock, reported. */
#include <pthread.h>
#include <semaphore.h>

static pthread_rwlock_t gate = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static sem_t first_done;

static void *first(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&gate);
    pthread_mutex_lock(&a); // LINE:a
    pthread_mutex_lock(&b); // LINE:b
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    pthread_rwlock_unlock(&gate);
    sem_post(&first_done);
    return NULL;
}

static void *second(void *arg)
{
    (void)arg;
    sem_wait(&first_done);
    pthread_rwlock_rdlock(&gate);
    pthread_mutex_lock(&b); // LINE:b2
    pthread_mutex_lock(&a); // LINE:a2
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    pthread_rwlock_unlock(&gate);
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
// EXPECT:       {{FILE}}:{{LINE:b}} {{OFF}}
// EXPECT: Mutex M1 previously acquired by the same goroutine here:
// EXPECT:   first()
// EXPECT:       {{FILE}}:{{LINE:a}} {{OFF}}
// EXPECT: Mutex M1 acquired here while holding mutex M2 in goroutine 3:
// EXPECT:   second()
// EXPECT:       {{FILE}}:{{LINE:a2}} {{OFF}}
// EXPECT: Mutex M2 previously acquired by the same goroutine here:
// EXPECT:   second()
// EXPECT:       {{FILE}}:{{LINE:b2}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: POTENTIAL DEADLOCK
