/* A goroutine locks a (normal) mutex it already holds: it waits for
 * itself forever. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void helper(void)
{
    pthread_mutex_lock(&mu); // LINE:relock
    pthread_mutex_unlock(&mu);
}

int main(void)
{
    pthread_mutex_lock(&mu); // LINE:first
    printf("locked once\n");
    fflush(stdout);
    helper();
    pthread_mutex_unlock(&mu);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: locked once
// EXPECT: WARNING: DEADLOCK
// EXPECT: Goroutines waiting for each other in a cycle: 1 -> 1
// EXPECT: Goroutine 1 blocks in pthread_mutex_lock on mutex {{ADDR}} held by goroutine 1:
// EXPECT:   helper()
// EXPECT:       {{FILE}}:{{LINE:relock}} {{OFF}}
// EXPECT: Mutex {{ADDR}} locked by goroutine 1 at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
