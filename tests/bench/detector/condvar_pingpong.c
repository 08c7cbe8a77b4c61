/* condvar_pingpong.c SIZE: two threads pass a turn back and forth SIZE
 * times with a mutex and two condition variables; every hand-off is a
 * wait, a signal and a lock transfer, and the thread that gets the turn
 * updates a plain (non-atomic) shared record the other wrote last.
 * Measures blocking synchronisation: pthread_cond_wait/signal and the
 * mutex they use, and the happens-before edges they carry.
 *
 * Self-check: the shared record must hold exactly the hand-offs made, in
 * order. Exit 0 when it does, 1 otherwise. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cv[2] = {PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};
static int turn;        /* whose turn: 0 or 1; under mu */
static long handoffs;   /* under mu */
static uint64_t record; /* plain data, written by whoever holds the turn */
static long rounds;
static int failed;

static void *player(void *arg)
{
    int self = (int)(uintptr_t)arg;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (turn != self && handoffs < 2 * rounds)
            pthread_cond_wait(&turn_cv[self], &mu);
        if (handoffs >= 2 * rounds)
            break;
        /* The last writer of record was the other player (or main). */
        if ((record & 1) != (uint64_t)(handoffs & 1))
            failed = 1;
        handoffs++;
        record = record * 3 + 1; /* odd*3+1 is even, even*3+1 is odd */
        turn = 1 - self;
        pthread_cond_signal(&turn_cv[1 - self]);
    }
    pthread_mutex_unlock(&mu);
    pthread_cond_signal(&turn_cv[1 - self]);
    return NULL;
}

int main(int argc, char **argv)
{
    rounds = argc > 1 ? atol(argv[1]) : 10000;
    if (rounds < 1)
        rounds = 1;
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        if (pthread_create(&th[i], NULL, player, (void *)(uintptr_t)i) != 0) {
            fprintf(stderr, "condvar_pingpong: pthread_create failed\n");
            return 2;
        }
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);

    uint64_t want = 0;
    for (long i = 0; i < 2 * rounds; i++)
        want = want * 3 + 1;
    if (failed || handoffs != 2 * rounds || record != want) {
        fprintf(stderr, "condvar_pingpong: FAILED: %ld hand-offs of %ld\n", handoffs, 2 * rounds);
        return 1;
    }
    printf("condvar_pingpong: ok %ld round trips\n", rounds);
    return 0;
}
