/* A goroutine returns with the mutex still locked: the next lock waits
 * forever, and the report names the holder and where it locked. */
#include <pthread.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int balance;

static void *deposit(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu); // LINE:held
    balance += 10;
    return NULL; /* forgot: pthread_mutex_unlock(&mu); */
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, deposit, NULL);
    pthread_join(t, NULL);
    pthread_mutex_lock(&mu); // LINE:blocked
    int b = balance;
    pthread_mutex_unlock(&mu);
    return b == 10 ? 0 : 1;
}

// EXPECT-EXIT: 66
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT: goroutine 1 [pthread_mutex_lock]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:blocked}} {{OFF}}
// EXPECT: ... waits on mutex {{ADDR}} held by goroutine 2, locked at:
// EXPECT: deposit()
// EXPECT: 	{{FILE}}:{{LINE:held}} {{OFF}}
