/* A thread handle used after its thread was joined: the detach names a
 * thread that is gone, and glibc may have given the handle to another
 * thread by now (detaching that one instead). Reported as a misuse, and
 * the program goes on. */
#include <pthread.h>
#include <stdio.h>

static void *work(void *arg)
{
    (void)arg;
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, work, NULL);
    pthread_join(t, NULL);
    pthread_detach(t); // LINE:detach
    printf("goes on\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: goes on
// EXPECT: WARNING: MISUSE OF THREAD
// EXPECT: pthread_detach of thread {{ADDR}}, joined or detached already, by goroutine 1:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:detach}} {{OFF}}
// EXPECT-COUNT: 1 WARNING:
