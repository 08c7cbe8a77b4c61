/* A condition wait with an error-checking mutex the caller does not hold:
 * glibc's wait fails at once (EPERM), it does not block. A misuse, and
 * the program goes on: no deadlock (crace took the wait for the last
 * goroutine falling asleep, and ended the program). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_t m;
    pthread_mutex_init(&m, &attr);
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    int r = pthread_cond_wait(&c, &m); // LINE:wait
    printf("wait: %s, the program goes on\n", r == EPERM ? "EPERM" : "other");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: wait: EPERM, the program goes on
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT-NOT: fatal error
// EXPECT-NOT: WARNING: DEADLOCK
