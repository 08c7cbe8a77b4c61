/* Two threads started together write the same fresh byte, with nothing
 * ordering them: each finds the byte's shadow empty and stores its record
 * in a cell of its own. Stored at the same moment, neither saw the
 * other's: crace missed the race in a few runs in a hundred, until each
 * store came to look again once it was in. One round per child process
 * (each reports its own race, and exits 66 under the detector), 200
 * rounds: every one must report. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 200

static char *arr;

static void *writer(void *arg)
{
    (void)arg;
    arr[50] = 1; // LINE:store
    return NULL;
}

static void round_in_child(void)
{
    arr = malloc(100);
    pthread_t a, b;
    pthread_create(&a, NULL, writer, NULL);
    pthread_create(&b, NULL, writer, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    free(arr);
    exit(0); /* 66 under the detector, once the race was reported */
}

int main(void)
{
    int reported = 0;
    for (int r = 0; r < ROUNDS; r++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
            round_in_child();
        int st = 0;
        waitpid(pid, &st, 0);
        reported += WIFEXITED(st) && WEXITSTATUS(st) == 66;
    }
    printf("reported in %d of %d rounds\n", reported, ROUNDS);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: reported in 200 of 200 rounds
// EXPECT: WARNING: DATA RACE
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
