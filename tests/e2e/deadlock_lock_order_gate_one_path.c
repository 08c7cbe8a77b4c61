/* A gate lock that one path forgets: goroutine 2 nests A then B under
 * the gate G, goroutine 3 nests B then A under G too (no deadlock so far:
 * nothing is reported), then goroutine 2 nests A then B once more without
 * G. That acquisition can deadlock with goroutine 3's, and is reported,
 * with its own lines. */
#include <pthread.h>
#include <semaphore.h>

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static sem_t gated_done, other_done;

static void *first(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&gate);
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&gate);
    sem_post(&gated_done);
    sem_wait(&other_done);
    pthread_mutex_lock(&a); // LINE:a
    pthread_mutex_lock(&b); // LINE:b
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    return NULL;
}

static void *second(void *arg)
{
    (void)arg;
    sem_wait(&gated_done);
    pthread_mutex_lock(&gate);
    pthread_mutex_lock(&b); // LINE:b2
    pthread_mutex_lock(&a); // LINE:a2
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&gate);
    sem_post(&other_done);
    return NULL;
}

int main(void)
{
    sem_init(&gated_done, 0, 0);
    sem_init(&other_done, 0, 0);
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
