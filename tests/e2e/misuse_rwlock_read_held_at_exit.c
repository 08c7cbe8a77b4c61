/* A goroutine that ends holding an rwlock for reading: every writer
 * after it waits forever (GoKer's etcd#5509, where the writer's wait was
 * the only report, naming no holder). Two readers: one unlocks before it
 * ends, the other forgets; only the second is reported, with where it
 * locked. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t mu = PTHREAD_RWLOCK_INITIALIZER;

static void *tidy_reader(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&mu);
    pthread_rwlock_unlock(&mu);
    return NULL;
}

static void *forgetful_reader(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&mu); // LINE:rdlock
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, tidy_reader, NULL);
    pthread_join(a, NULL);
    pthread_create(&b, NULL, forgetful_reader, NULL);
    pthread_join(b, NULL);
    int r = pthread_rwlock_trywrlock(&mu);
    printf("trywrlock %s\n", r == EBUSY ? "EBUSY" : "other");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: trywrlock EBUSY
// EXPECT: WARNING: MISUSE OF RWLOCK
// EXPECT: Goroutine 3 finished holding rwlock {{ADDR}} for reading, which it locked at:
// EXPECT:   forgetful_reader()
// EXPECT:       {{FILE}}:{{LINE:rdlock}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: MISUSE
