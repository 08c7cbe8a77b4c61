/* A child forked after its parent reported a race counts its own
 * findings only: clean, it prints no summary and exits with its own
 * status, 0, while the parent exits 66. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int shared; /* global, and printed: the stores must stay */

static void *writer(void *arg)
{
    shared = (int)(long)arg; // LINE:write
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, writer, (void *)1);
    usleep(100 * 1000);
    pthread_create(&b, NULL, writer, (void *)2);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        return 0; /* a clean child */
    int status;
    waitpid(pid, &status, 0);
    printf("shared=%d\n", shared);
    printf("child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: child exited with 0
// EXPECT: WARNING: DATA RACE
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: crace: 2 processes ran under the detector; found 1 data race(s)
// EXPECT-COUNT: 1 Found 1 data race(s)
