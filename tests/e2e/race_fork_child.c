/* A forked child is a program of its own under the detector: its
 * threads' race is reported (in its own report file), with the child's
 * new goroutines numbered after the parent's. What the parent did before
 * the fork happens before everything in the child: the child's main
 * thread continues the forking thread's clock, so its read of `before`
 * is silent. The parent's worker, blocked forever at the moment of the
 * fork, does not exist in the child: the child's exit reports no leak. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int before;
int shared;
static sem_t never;

static void *parked(void *arg)
{
    (void)arg;
    sem_wait(&never);
    return NULL;
}

static void *child_worker(void *arg)
{
    (void)arg;
    shared = 1;
    return NULL;
}

int main(void)
{
    sem_init(&never, 0, 0);
    pthread_t p;
    pthread_create(&p, NULL, parked, NULL);
    before = 42;
    usleep(100 * 1000); /* parked is asleep in sem_wait by now */
    pid_t pid = fork();
    if (pid == 0) {
        if (before != 42)
            abort();
        pthread_t t;
        pthread_create(&t, NULL, child_worker, NULL);
        shared = 2;
        pthread_join(t, NULL);
        printf("child: shared=%d\n", shared);
        exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child exited with %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    sem_post(&never);
    pthread_join(p, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: child exited with 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Location is global 'shared' of size 4 at {{ADDR}} (race_fork_child+{{ADDR}})
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: GOROUTINE LEAK
// EXPECT-NOT: fatal error
