/* A worker waits on a semaphore that main never posts, and main waits
 * for the worker: everyone is asleep. (Semaphore waits are confirmed over
 * 60 ms before the report, as a post could race with the check.) */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t ready;

static void *worker(void *arg)
{
    (void)arg;
    sem_wait(&ready); // LINE:wait
    return NULL;
}

int main(void)
{
    sem_init(&ready, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    /* forgot: sem_post(&ready); */
    pthread_join(t, NULL); // LINE:join
    printf("joined\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT: goroutine 1 [pthread_join]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:join}} {{OFF}}
// EXPECT: goroutine 2 [sem_wait]:
// EXPECT: worker()
// EXPECT: 	{{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT: ... waits on semaphore {{ADDR}}
// EXPECT-NOT: joined
