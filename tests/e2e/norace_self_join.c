/* A thread that joins itself gets EDEADLK at once (glibc checks): the
 * call does not wait, so it is no deadlock, and the program goes on. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

int main(void)
{
    int r = pthread_join(pthread_self(), NULL);
    printf("self join: %s\n", r == EDEADLK ? "EDEADLK" : "other");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: self join: EDEADLK
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
