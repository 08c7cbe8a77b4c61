/* The writer of an rwlock locks it again, for writing and for reading:
 * glibc refuses both at once (EDEADLK), so neither waits, and neither is
 * a deadlock, with another goroutine running or alone. The program sees
 * the error and goes on. */
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
    int w = pthread_rwlock_wrlock(&table);
    int r = pthread_rwlock_rdlock(&table);
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

// EXPECT-EXIT: 0
// EXPECT: with a ticker: wrlock EDEADLK, rdlock EDEADLK
// EXPECT: alone: wrlock EDEADLK, rdlock EDEADLK
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
