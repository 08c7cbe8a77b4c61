/* A mutex destroyed (here, by a shutdown path that runs too early) and
 * then locked again: glibc refuses the lock with EINVAL, which the
 * program does not check, and the critical section runs unprotected.
 * Reported where the lock is taken, once per code location (its unlock,
 * which fails too, is not reported again). */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t mu;
static int count;

static void bump(void)
{
    pthread_mutex_lock(&mu); // LINE:lock
    count++;
    pthread_mutex_unlock(&mu);
}

int main(void)
{
    pthread_mutex_init(&mu, NULL);
    bump();
    pthread_mutex_destroy(&mu);
    for (int i = 0; i < 3; i++)
        bump();
    printf("count=%d\n", count);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: count=4
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: pthread_mutex_lock of destroyed mutex {{ADDR}} by goroutine 1 (it failed: nothing was locked):
// EXPECT:   bump()
// EXPECT:       {{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: MISUSE OF MUTEX
