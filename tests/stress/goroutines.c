/*
 * goroutines.c: goroutines N race|norace
 *
 * N goroutines started with libgochan's go() are all alive at once: each
 * says it has started (a WaitGroup), then blocks receiving a token from an
 * unbuffered channel. Only when every one of them has started does main
 * hand out the N tokens, so the detector carries N live goroutines, each
 * blocked in a channel receive, at the same moment. A goroutine then
 * bumps a mutex-protected counter and signals the finishing WaitGroup.
 *
 * With "race", the goroutines with the indexes planted_a and planted_b
 * also write planted_race_target without a lock, after their critical
 * section. Nothing orders the two writes: each comes after its own
 * unlock, and whichever goroutine locks second acquires only what the
 * first did before unlocking. A detector must report exactly that race
 * and nothing else; with "norace" it must report nothing.
 *
 * Goroutine stacks are STACK_KIB (default 64) KiB, set with
 * gochan_set_stack_size: small stacks are what lets a program keep
 * thousands of goroutines, so the detector must work on them too.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gochan.h>

#define DEFAULT_STACK_KIB 64

static chan_t *tokens;
static waitgroup_t started = WAITGROUP_INIT;
static waitgroup_t finished = WAITGROUP_INIT;
static pthread_mutex_t counter_mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;      /* guarded by counter_mu */
static long token_sum;    /* guarded by counter_mu */
static int planted_race;  /* set by main before any go(): read-only after */
static long planted_a, planted_b;
int planted_race_target;  /* the planted race: written without a lock */

/* noinline: the report must name this function. */
__attribute__((noinline)) static void planted_race_write(long i)
{
    planted_race_target = (int)i;
}

static void worker(void *arg)
{
    long i = (long)arg;
    long token;
    waitgroup_done(&started);
    if (!chan_recv(tokens, &token)) {
        fprintf(stderr, "goroutine %ld: token channel closed early\n", i);
        exit(1);
    }
    pthread_mutex_lock(&counter_mu);
    counter++;
    token_sum += token;
    pthread_mutex_unlock(&counter_mu);
    if (planted_race && (i == planted_a || i == planted_b))
        planted_race_write(i);
    waitgroup_done(&finished);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (strcmp(argv[2], "race") != 0 && strcmp(argv[2], "norace") != 0)) {
        fprintf(stderr, "usage: goroutines N race|norace [STACK_KIB]\n");
        return 2;
    }
    long n = atol(argv[1]);
    size_t stack_size = (size_t)(argc == 4 ? atol(argv[3]) : DEFAULT_STACK_KIB) * 1024;
    if (n < 2) {
        fprintf(stderr, "goroutines: N must be at least 2\n");
        return 2;
    }
    planted_race = strcmp(argv[2], "race") == 0;
    planted_a = n / 3;
    planted_b = 2 * n / 3;
    if (gochan_set_stack_size(stack_size) != 0) {
        fprintf(stderr, "goroutines: cannot set a %zu-byte stack\n", stack_size);
        return 1;
    }
    tokens = chan_make(sizeof(long), 0);
    waitgroup_add(&started, (int)n);
    waitgroup_add(&finished, (int)n);
    for (long i = 0; i < n; i++) {
        int err = go(worker, (void *)i);
        if (err != 0) {
            fprintf(stderr, "goroutines: go() failed for goroutine %ld of %ld: %s\n", i, n, strerror(err));
            return 1;
        }
    }
    /* Every goroutine is alive and on its way to block in chan_recv. */
    waitgroup_wait(&started);
    for (long i = 0; i < n; i++)
        chan_send(tokens, &i);
    waitgroup_wait(&finished);

    long want = n * (n - 1) / 2;
    pthread_mutex_lock(&counter_mu);
    int bad = counter != n || token_sum != want;
    printf("goroutines: %ld alive at once, counter %ld, token sum %ld (want %ld)\n", n, counter, token_sum, want);
    pthread_mutex_unlock(&counter_mu);
    chan_free(tokens);
    return bad;
}
