/* Two threads take two mutexes in opposite orders as fast as they can,
 * started together by a barrier, until they deadlock: they then block at
 * nearly the same moment, each registering its wait while the other
 * registers its own (contended mutexes register without the deadlock
 * detector's lock). One of the two must see the other and report the
 * cycle; a deadlock that neither reports hangs the program. Each attempt
 * runs in a child process (its report ends it); the parent counts the
 * children that hang, and every child reports the cycle. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/hang_watch.h"

#define CHILDREN 30
#define HANG_MS 20000

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t start;

static void *forward(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < 1000000; i++) {
        pthread_mutex_lock(&a);
        pthread_mutex_lock(&b);
        pthread_mutex_unlock(&b);
        pthread_mutex_unlock(&a);
    }
    return NULL;
}

static void *backward(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < 1000000; i++) {
        pthread_mutex_lock(&b);
        pthread_mutex_lock(&a);
        pthread_mutex_unlock(&a);
        pthread_mutex_unlock(&b);
    }
    return NULL;
}

static void attempt(void)
{
    pthread_barrier_init(&start, NULL, 2);
    pthread_t t1, t2;
    pthread_create(&t1, NULL, forward, NULL);
    pthread_create(&t2, NULL, backward, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
}

int main(void)
{
    int hung = children_hung(attempt, CHILDREN, HANG_MS);
    printf("abba: %d of %d children hung\n", hung, CHILDREN);
    return hung != 0;
}

// EXPECT-EXIT: 66
// EXPECT: abba: 0 of 30 children hung
// EXPECT: WARNING: DEADLOCK
// EXPECT-COUNT: 30 WARNING: DEADLOCK
// EXPECT-COUNT: 30 Goroutines waiting for each other in a cycle: 
