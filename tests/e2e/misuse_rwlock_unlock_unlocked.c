/* An rwlock unlocked once more than it was locked (Helgrind's
 * tc12_rwl_trivial): glibc takes a reader from a count of none, and its
 * reader count wraps. Reported at that unlock; the destroy after it is
 * not reported as the destroy of a held rwlock (no thread holds it: the
 * count is what the bad unlock left). */
#include <pthread.h>
#include <stdio.h>

int main(void)
{
    pthread_rwlock_t rw;
    pthread_rwlock_init(&rw, NULL);
    pthread_rwlock_wrlock(&rw);
    pthread_rwlock_unlock(&rw);
    pthread_rwlock_rdlock(&rw);
    pthread_rwlock_rdlock(&rw);
    pthread_rwlock_unlock(&rw);
    pthread_rwlock_unlock(&rw);
    int r = pthread_rwlock_unlock(&rw); // LINE:extra
    int d = pthread_rwlock_destroy(&rw);
    printf("extra unlock %d, destroy %d\n", r, d);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: extra unlock 0, destroy 0
// EXPECT: WARNING: MISUSE OF RWLOCK
// EXPECT: pthread_rwlock_unlock of unlocked rwlock {{ADDR}} by goroutine 1:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:extra}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: MISUSE
