/* main starts five workers and lets them finish, but neither joins nor
 * detaches them: each keeps its stack and glibc's record of it until the
 * process ends (a thread leak, as ThreadSanitizer calls it), reported with
 * leak_check=running. One report for the five, made at one place. A
 * joined worker and a detached one, made elsewhere, are not leaks. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

static sem_t finished;

static void *work(void *arg)
{
    (void)arg;
    sem_post(&finished);
    return NULL;
}

int main(void)
{
    sem_init(&finished, 0, 0);
    for (int i = 0; i < 5; i++) {
        pthread_t t;
        pthread_create(&t, NULL, work, NULL); // LINE:create
    }
    pthread_t joined, detached;
    pthread_create(&joined, NULL, work, NULL);
    pthread_create(&detached, NULL, work, NULL);
    pthread_join(joined, NULL);
    for (int i = 0; i < 7; i++)
        sem_wait(&finished);
    usleep(100 * 1000); /* past their last step: finished */
    pthread_detach(detached);
    printf("done\n");
    return 0;
}

// ENV: CRACE_OPTIONS=leak_check=running
// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: ==================
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 2 finished, but nobody joined or detached its thread (pthread_join,
// EXPECT: pthread_detach): its stack stays allocated until the process ends.
// EXPECT: And 4 more goroutines created at the same place, finished and never joined: 3, 4, 5, 6
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 goroutine leak(s)
// EXPECT-COUNT: 1 WARNING: GOROUTINE LEAK
