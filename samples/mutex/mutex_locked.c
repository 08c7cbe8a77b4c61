/*
 * mutex, fixed: the balance is only touched with its mutex held.
 *
 * deposit() and current_balance() both lock mu. An unlock happens before
 * the next lock of the same mutex, so whichever runs second sees
 * everything the first did: the read is ordered after the write or
 * before it, never concurrent with it. crace is silent. (Go: a
 * sync.Mutex next to the field it guards, Lock and `defer Unlock`.)
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int balance = 100; /* guarded by mu */

static void deposit(int amount)
{
    pthread_mutex_lock(&mu);
    balance += amount;
    pthread_mutex_unlock(&mu);
}

static int current_balance(void)
{
    pthread_mutex_lock(&mu);
    int b = balance;
    pthread_mutex_unlock(&mu);
    return b;
}

static void payday(void *arg)
{
    (void)arg;
    deposit(50);
}

int main(void)
{
    go(payday, NULL);
    usleep(100 * 1000); /* the same timing as mutex_race.c */
    printf("balance %d\n", current_balance());
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: balance 150
// EXPECT-NOT: WARNING
