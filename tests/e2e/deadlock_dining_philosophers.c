/* Five philosophers each take their left fork, then their right, as fast
 * as they can: sooner or later each holds its left fork and waits for its
 * right, a cycle of five. Woken waiters that lose a fork to a neighbour
 * sleep again inside the lock call, and must still count as blocked, or
 * the cycle is never seen and the program hangs unreported. Each dinner
 * runs in a child process (its report ends it); the parent counts the
 * children that hang. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/hang_watch.h"

#define PHILOSOPHERS 5
#define DINNERS 10
#define HANG_MS 20000

static pthread_mutex_t fork_[PHILOSOPHERS];

static void *dine(void *arg)
{
    long left = (long)arg, right = (left + 1) % PHILOSOPHERS;
    for (int i = 0; i < 200000; i++) {
        pthread_mutex_lock(&fork_[left]);
        pthread_mutex_lock(&fork_[right]);
        pthread_mutex_unlock(&fork_[right]);
        pthread_mutex_unlock(&fork_[left]);
    }
    return NULL;
}

static void dinner(void)
{
    pthread_t t[PHILOSOPHERS];
    for (long i = 0; i < PHILOSOPHERS; i++)
        pthread_mutex_init(&fork_[i], NULL);
    for (long i = 0; i < PHILOSOPHERS; i++)
        pthread_create(&t[i], NULL, dine, (void *)i);
    for (long i = 0; i < PHILOSOPHERS; i++)
        pthread_join(t[i], NULL);
}

int main(void)
{
    int hung = children_hung(dinner, DINNERS, HANG_MS);
    printf("philosophers: %d of %d dinners hung\n", hung, DINNERS);
    return hung != 0;
}

// EXPECT-EXIT: 66
// EXPECT: philosophers: 0 of 10 dinners hung
// EXPECT: WARNING: DEADLOCK
