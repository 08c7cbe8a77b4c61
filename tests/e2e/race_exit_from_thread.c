/* A worker calls exit() while the main thread and another worker still
 * run (the main thread blocked forever, the other spinning): the findings
 * so far are summed up and the status becomes 66, from whichever thread
 * exits. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int counter;
static sem_t never;
static volatile int spin;

static void *spinner(void *arg)
{
    (void)arg;
    for (;;) {
        __atomic_fetch_add(&spin, 1, __ATOMIC_RELAXED);
        usleep(1000);
    }
    return NULL;
}

static void *quitter(void *arg)
{
    (void)arg;
    counter++; // LINE:quitter_inc
    usleep(50 * 1000);
    printf("exiting from a worker\n");
    fflush(stdout);
    exit(0);
}

int main(void)
{
    sem_init(&never, 0, 0);
    pthread_t s, q;
    pthread_create(&s, NULL, spinner, NULL);
    pthread_create(&q, NULL, quitter, NULL);
    counter++; // LINE:main_inc
    sem_wait(&never);
    return 1;
}

// EXPECT-EXIT: 66
// EXPECT: exiting from a worker
// EXPECT: WARNING: DATA RACE
// EXPECT: Found 1 data race(s)
