/* A batch of threads created, then detached one after another: some
 * have finished by then (their records published for a joiner, a detach
 * takes them), some are finishing at that moment, some still run; glibc
 * gives the handles of the ones that are gone to the next batch. Correct:
 * no report, no crash. A detach that took the record of a thread still
 * leaving crace's thread list relinked that list into the graveyard of
 * detached records: records freed twice (glibc aborted), lists looping
 * (a hang), and handles of the next batch found "detached already". */
#include <pthread.h>
#include <stdio.h>

static void *worker(void *arg)
{
    volatile long sum = 0;
    for (long i = 0; i < (long)arg * 2000; i++)
        sum += i;
    return NULL;
}

int main(void)
{
    for (int round = 0; round < 300; round++) {
        pthread_t t[6];
        for (long i = 0; i < 6; i++)
            if (pthread_create(&t[i], NULL, worker, (void *)(i % 3)) != 0)
                return 1;
        for (int i = 0; i < 6; i++)
            if (pthread_detach(t[i]) != 0)
                return 1;
    }
    puts("done");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: done
// EXPECT-NOT: WARNING
// EXPECT-NOT: double free
