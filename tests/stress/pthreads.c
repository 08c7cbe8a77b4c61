/*
 * pthreads.c: pthreads N race|norace
 *
 * N pthreads, each with a STACK_KIB (default 64) KiB stack, are all alive
 * at once: each
 * checks in under a mutex and waits on a condition variable until main,
 * having counted all N check-ins, opens the gate with one broadcast. So
 * the detector carries N live threads, each blocked in pthread_cond_wait,
 * at the same moment. A thread then bumps a counter under the same mutex
 * and ends; main joins them all.
 *
 * With "race", the threads with the indexes planted_a and planted_b also
 * write planted_race_target without a lock, after their critical section.
 * Nothing orders the two writes: each comes after its own unlock, and
 * whichever thread locks second acquires only what the first did before
 * unlocking. A detector must report exactly that race and nothing else;
 * with "norace" it must report nothing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_STACK_KIB 64

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_arrived = PTHREAD_COND_INITIALIZER; /* main waits */
static pthread_cond_t gate = PTHREAD_COND_INITIALIZER;        /* the threads wait */
static long arrived;   /* guarded by mu */
static int gate_open;  /* guarded by mu */
static long counter;   /* guarded by mu */
static int planted_race;
static long nthreads, planted_a, planted_b; /* set by main before any thread starts */
int planted_race_target; /* the planted race: written without a lock */

/* noinline: the report must name this function. */
__attribute__((noinline)) static void planted_race_write(long i)
{
    planted_race_target = (int)i;
}

static void *worker(void *arg)
{
    long i = (long)arg;
    pthread_mutex_lock(&mu);
    if (++arrived == nthreads)
        pthread_cond_signal(&all_arrived);
    while (!gate_open)
        pthread_cond_wait(&gate, &mu);
    counter++;
    pthread_mutex_unlock(&mu);
    if (planted_race && (i == planted_a || i == planted_b))
        planted_race_write(i);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (strcmp(argv[2], "race") != 0 && strcmp(argv[2], "norace") != 0)) {
        fprintf(stderr, "usage: pthreads N race|norace [STACK_KIB]\n");
        return 2;
    }
    long n = atol(argv[1]);
    size_t stack_size = (size_t)(argc == 4 ? atol(argv[3]) : DEFAULT_STACK_KIB) * 1024;
    if (n < 2) {
        fprintf(stderr, "pthreads: N must be at least 2\n");
        return 2;
    }
    nthreads = n;
    planted_race = strcmp(argv[2], "race") == 0;
    planted_a = n / 3;
    planted_b = 2 * n / 3;
    pthread_t *t = calloc((size_t)n, sizeof(*t));
    pthread_attr_t attr;
    if (!t || pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, stack_size) != 0) {
        fprintf(stderr, "pthreads: cannot set up %ld threads with %zu-byte stacks\n", n, stack_size);
        return 1;
    }
    for (long i = 0; i < n; i++) {
        int err = pthread_create(&t[i], &attr, worker, (void *)i);
        if (err != 0) {
            fprintf(stderr, "pthreads: pthread_create failed for thread %ld of %ld: %s\n", i, n, strerror(err));
            return 1;
        }
    }
    pthread_attr_destroy(&attr);
    /* Every thread is alive; wait until each is parked at the gate. */
    pthread_mutex_lock(&mu);
    while (arrived < n)
        pthread_cond_wait(&all_arrived, &mu);
    gate_open = 1;
    pthread_cond_broadcast(&gate);
    pthread_mutex_unlock(&mu);
    for (long i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    free(t);
    printf("pthreads: %ld alive at once, counter %ld\n", n, counter);
    return counter != n;
}
