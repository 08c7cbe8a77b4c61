/* The writer of an rwlock locks it again, for writing and for reading:
 * glibc refuses both at once (EDEADLK), so neither waits, and neither is
 * a deadlock, with another goroutine running or alone. The program sees
 * the error and goes on; the calls are misuses all the same (POSIX leaves
 * them undefined, and Go's RLock there waits forever), each reported
 * once per call site. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;

static void *ticker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20; i++) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void relock(const char *when)
{
    pthread_rwlock_wrlock(&table);
    int w = pthread_rwlock_wrlock(&table); // LINE:wrlock
    int r = pthread_rwlock_rdlock(&table); // LINE:rdlock
    printf("%s: wrlock %s, rdlock %s\n", when, w == EDEADLK ? "EDEADLK" : "other",
           r == EDEADLK ? "EDEADLK" : "other");
    pthread_rwlock_unlock(&table);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, ticker, NULL);
    relock("with a ticker");
    pthread_join(t, NULL);
    relock("alone");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: with a ticker: wrlock EDEADLK, rdlock EDEADLK
// EXPECT: alone: wrlock EDEADLK, rdlock EDEADLK
// EXPECT: WARNING: MISUSE OF RWLOCK
// EXPECT: pthread_rwlock_wrlock of rwlock {{ADDR}} by goroutine 1, which holds it for writing (it failed: EDEADLK, nothing was locked):
// EXPECT:       {{FILE}}:{{LINE:wrlock}} {{OFF}}
// EXPECT: pthread_rwlock_rdlock of rwlock {{ADDR}} by goroutine 1, which holds it for writing (it failed: EDEADLK, nothing was locked):
// EXPECT:       {{FILE}}:{{LINE:rdlock}} {{OFF}}
// EXPECT-COUNT: 4 WARNING: MISUSE OF RWLOCK
// EXPECT-NOT: DEADLOCK
// EXPECT-NOT: fatal error
