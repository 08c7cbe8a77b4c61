/* Three goroutines, one after another, take A then B, B then C, and C then
 * A. No two of them ever run at once, yet the three orders form a cycle
 * in which three threads can deadlock: reported when the last edge
 * closes it. */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;

struct pair {
    pthread_mutex_t *first, *second;
};

static void *take_two(void *arg)
{
    struct pair *p = arg;
    pthread_mutex_lock(p->first);  // LINE:first
    pthread_mutex_lock(p->second); // LINE:second
    pthread_mutex_unlock(p->second);
    pthread_mutex_unlock(p->first);
    return NULL;
}

int main(void)
{
    struct pair pairs[3] = {{&a, &b}, {&b, &c}, {&c, &a}};
    for (int i = 0; i < 3; i++) {
        pthread_t t;
        pthread_create(&t, NULL, take_two, &pairs[i]);
        pthread_join(t, NULL); /* strictly one after another */
    }
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: POTENTIAL DEADLOCK
// EXPECT: Cycle in lock order graph: M1 ({{ADDR}}) => M2 ({{ADDR}}) => M3 ({{ADDR}}) => M1
// EXPECT: Mutex M2 acquired here while holding mutex M1 in goroutine 2:
// EXPECT:   take_two()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT: Mutex M1 previously acquired by the same goroutine here:
// EXPECT:   take_two()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT: Mutex M3 acquired here while holding mutex M2 in goroutine 3:
// EXPECT:   take_two()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT: Mutex M2 previously acquired by the same goroutine here:
// EXPECT: Mutex M1 acquired here while holding mutex M3 in goroutine 4:
// EXPECT:   take_two()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT: Mutex M3 previously acquired by the same goroutine here:
// EXPECT: Found 1 potential deadlock(s)
// EXPECT-COUNT: 1 WARNING: POTENTIAL DEADLOCK
// EXPECT-NOT: WARNING: DATA RACE
