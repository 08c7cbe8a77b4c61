/* A lock upgrade: cache_fill read-locks the cache to look an entry up,
 * misses, and write-locks it to insert, still holding its read lock. A
 * pthread rwlock does not upgrade: the write lock waits for every reader
 * to leave, the caller among them, forever. Reported as a cycle of one
 * when the write lock blocks, though another goroutine (a ticker) still
 * runs. Its race-free twin, norace_rwlock_upgrade, drops the read lock
 * first and looks again under the write lock. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static int cache[16];

static void *ticker(void *arg)
{
    (void)arg;
    for (;;) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static int cache_fill(int key)
{
    pthread_rwlock_rdlock(&cache_lock); // LINE:read
    int v = cache[key];
    if (v == 0) {
        pthread_rwlock_wrlock(&cache_lock); // LINE:write
        v = cache[key] = key * key + 1;
        pthread_rwlock_unlock(&cache_lock);
    }
    pthread_rwlock_unlock(&cache_lock);
    return v;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, ticker, NULL);
    printf("filled %d\n", cache_fill(3)); // LINE:main
    printf("not reached\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DEADLOCK
// EXPECT: Goroutines waiting for each other in a cycle: 1 -> 1
// EXPECT: Goroutine 1 blocks in pthread_rwlock_wrlock on rwlock {{ADDR}} held for reading by goroutine 1:
// EXPECT:   cache_fill()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT: RWLock {{ADDR}} read-locked by goroutine 1 at:
// EXPECT:   cache_fill()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT-NOT: not reached
// EXPECT-NOT: all goroutines are asleep
