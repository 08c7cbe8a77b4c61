/* Two goroutines wait on one condition variable at the same time, each
 * with its own mutex: undefined in POSIX. Reported at the second wait,
 * naming the first. Afterwards, with no wait in progress, a wait with yet
 * another mutex is allowed (the binding ends with the last waiter).
 *
 * Ordered without luck: a waiter sets its flag under its mutex and then
 * waits, which unlocks the mutex; whoever locks the mutex and sees the
 * flag knows the waiter is inside its wait. */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

static pthread_cond_t cv;
static pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m2 = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m3 = PTHREAD_MUTEX_INITIALIZER;
static int ready1, ready2, waiting1, waiting2;

/* Until *flag is set under m (see above). */
static void await_waiter(pthread_mutex_t *m, const int *flag)
{
    for (;;) {
        pthread_mutex_lock(m);
        int w = *flag;
        pthread_mutex_unlock(m);
        if (w)
            return;
        usleep(1000);
    }
}

static void *waiter1(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m1);
    waiting1 = 1;
    while (!ready1)
        pthread_cond_wait(&cv, &m1); // LINE:wait1
    pthread_mutex_unlock(&m1);
    return NULL;
}

static void *waiter2(void *arg)
{
    (void)arg;
    await_waiter(&m1, &waiting1);
    pthread_mutex_lock(&m2);
    waiting2 = 1;
    while (!ready2)
        pthread_cond_wait(&cv, &m2); // LINE:wait2
    pthread_mutex_unlock(&m2);
    return NULL;
}

int main(void)
{
    pthread_cond_init(&cv, NULL); // LINE:init
    pthread_t t1, t2;
    pthread_create(&t1, NULL, waiter1, NULL);
    pthread_create(&t2, NULL, waiter2, NULL);
    await_waiter(&m2, &waiting2);
    pthread_mutex_lock(&m1);
    ready1 = 1;
    pthread_mutex_unlock(&m1);
    pthread_mutex_lock(&m2);
    ready2 = 1;
    pthread_mutex_unlock(&m2);
    pthread_cond_broadcast(&cv);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);

    /* Nobody waits now: binding cv to m3 is fine. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 10 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&m3);
    pthread_cond_timedwait(&cv, &m3, &ts);
    pthread_mutex_unlock(&m3);
    pthread_cond_destroy(&cv);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: MISUSE OF CONDITION VARIABLE
// EXPECT: pthread_cond_wait on condition variable {{ADDR}} with mutex {{ADDR}} by goroutine 3:
// EXPECT:   waiter2()
// EXPECT:       {{FILE}}:{{LINE:wait2}} {{OFF}}
// EXPECT:
// EXPECT: Condition variable {{ADDR}} is in use with mutex {{ADDR}} by goroutine 2, waiting at:
// EXPECT:   waiter1()
// EXPECT:       {{FILE}}:{{LINE:wait1}} {{OFF}}
// EXPECT:
// EXPECT: Condition variable {{ADDR}} created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:init}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 misuse(s)
// EXPECT-COUNT: 1 WARNING: MISUSE
// EXPECT-NOT: WARNING: DATA RACE
