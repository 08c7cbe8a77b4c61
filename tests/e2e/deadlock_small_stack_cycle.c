/* deadlock_abba with the smallest thread stacks glibc allows
 * (PTHREAD_STACK_MIN, the thread's TLS included): the goroutine closing
 * the cycle renders the report and its JSON record on such a stack. */
#include <limits.h>
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *ab(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&a); // LINE:ab_a
    usleep(100 * 1000);
    pthread_mutex_lock(&b); // LINE:ab_b
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    return NULL;
}

static void *ba(void *arg)
{
    (void)arg;
    usleep(50 * 1000);
    pthread_mutex_lock(&b); // LINE:ba_b
    usleep(200 * 1000);
    pthread_mutex_lock(&a); // LINE:ba_a
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    return NULL;
}

int main(void)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
    pthread_t t1, t2;
    pthread_create(&t1, &attr, ab, NULL);
    pthread_create(&t2, &attr, ba, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DEADLOCK
// EXPECT: Goroutines waiting for each other in a cycle: 3 -> 2 -> 3
// EXPECT: Goroutine 3 blocks in pthread_mutex_lock on mutex {{ADDR}} held by goroutine 2:
// EXPECT:   ba()
// EXPECT:       {{FILE}}:{{LINE:ba_a}} {{OFF}}
// EXPECT: Mutex {{ADDR}} locked by goroutine 2 at:
// EXPECT:   ab()
// EXPECT:       {{FILE}}:{{LINE:ab_a}} {{OFF}}
// EXPECT: Goroutine 2 blocks in pthread_mutex_lock on mutex {{ADDR}} held by goroutine 3:
// EXPECT:   ab()
// EXPECT:       {{FILE}}:{{LINE:ab_b}} {{OFF}}
// EXPECT: Mutex {{ADDR}} locked by goroutine 3 at:
// EXPECT:   ba()
// EXPECT:       {{FILE}}:{{LINE:ba_b}} {{OFF}}
