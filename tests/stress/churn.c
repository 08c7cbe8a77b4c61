/*
 * churn.c: churn TOTAL ALIVE
 *
 * Creates and joins TOTAL threads over the run, at most ALIVE at a time:
 * start ALIVE, join them, start the next ALIVE. Each thread writes its own
 * slot of a shared array and bumps a mutex-protected counter; main reads
 * the slots after the joins. Race-free: the joins order every access.
 *
 * A detector must keep its memory bounded by the threads alive, not by
 * those ever created: the runner compares the peak RSS of a run of
 * 1,000,000 threads with one of 100,000.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ALIVE 64

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter; /* guarded by mu */
static long slot[MAX_ALIVE];

static void *worker(void *arg)
{
    long i = (long)arg;
    slot[i % MAX_ALIVE] = i;
    pthread_mutex_lock(&mu);
    counter++;
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: churn TOTAL ALIVE\n");
        return 2;
    }
    long total = atol(argv[1]);
    long alive = atol(argv[2]);
    if (total < 1 || alive < 1 || alive > MAX_ALIVE) {
        fprintf(stderr, "churn: TOTAL must be positive and ALIVE 1 to %d\n", MAX_ALIVE);
        return 2;
    }
    pthread_t t[MAX_ALIVE];
    long check = 0;
    for (long base = 0; base < total; base += alive) {
        long k = total - base < alive ? total - base : alive;
        for (long j = 0; j < k; j++) {
            int err = pthread_create(&t[j], NULL, worker, (void *)(base + j));
            if (err != 0) {
                fprintf(stderr, "churn: pthread_create failed at thread %ld: %s\n", base + j, strerror(err));
                return 1;
            }
        }
        for (long j = 0; j < k; j++) {
            pthread_join(t[j], NULL);
            check += slot[(base + j) % MAX_ALIVE] == base + j;
        }
    }
    printf("churn: %ld threads created and joined, %ld at a time, counter %ld\n", total, alive, counter);
    return counter != total || check != total;
}
