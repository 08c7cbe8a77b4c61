/* A semaphore in memory nobody initialised (filled with 0x55, as a
 * poisoning allocator leaves it): glibc's sem_wait takes one from the
 * garbage count and succeeds, so the program never notices (its sem_post
 * would abort: the futex call rejects the garbage flags). Reported at the
 * first call on it, once: the calls that follow are the same bug. */
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct job {
    sem_t ready;
    int result;
};

int main(void)
{
    struct job *j = malloc(sizeof(*j));
    memset(j, 0x55, sizeof(*j));
    j->result = 7;
    int r = sem_wait(&j->ready); // LINE:wait
    printf("wait: %d, result %d\n", r, j->result);
    for (int i = 0; i < 2; i++)
        sem_trywait(&j->ready);
    sem_destroy(&j->ready);
    free(j);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: wait: 0, result 7
// EXPECT: WARNING: MISUSE OF SEMAPHORE
// EXPECT: sem_wait of semaphore {{ADDR}} by goroutine 1, which holds no initialised semaphore (never initialised, or overwritten since):
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: MISUSE OF SEMAPHORE
