/*
 * mutex, fixed: every transfer locks the two accounts in one global
 * order (the lower account id first), whatever the direction of the
 * payment.
 *
 * A cycle of goroutines each holding a lock the next one wants needs two
 * locks taken in opposite orders somewhere; with a single order there is
 * no cycle, so no deadlock, whatever the timing. This is the unlucky
 * timing of mutex_abba_deadlock.c: the second payment waits for the
 * first, then proceeds. The lock-order graph has no cycle, and crace is
 * silent. (Go: the same rule for sync.Mutex.)
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

struct account {
    int id; /* the lock order: lower id first */
    pthread_mutex_t mu;
    int balance; /* guarded by mu */
};

struct payment {
    struct account *from, *to;
    int amount;
};

static struct account alice = {1, PTHREAD_MUTEX_INITIALIZER, 100};
static struct account bob = {2, PTHREAD_MUTEX_INITIALIZER, 100};
static waitgroup_t wg = WAITGROUP_INIT;

static void transfer(struct account *from, struct account *to, int amount)
{
    /* Whatever the direction of the payment, the same order. */
    struct account *first = from->id < to->id ? from : to;
    struct account *second = from->id < to->id ? to : from;
    pthread_mutex_lock(&first->mu);
    usleep(200 * 1000); /* a slow fraud check, with first locked */
    pthread_mutex_lock(&second->mu);
    from->balance -= amount;
    to->balance += amount;
    pthread_mutex_unlock(&second->mu);
    pthread_mutex_unlock(&first->mu);
}

static void pay(void *arg)
{
    struct payment *p = arg;
    transfer(p->from, p->to, p->amount);
    waitgroup_done(&wg);
}

int main(void)
{
    static struct payment alice_pays_bob = {&alice, &bob, 10};
    static struct payment bob_pays_alice = {&bob, &alice, 20};
    waitgroup_add(&wg, 2);
    go(pay, &alice_pays_bob);
    usleep(100 * 1000); /* the second payment comes while the first is checked */
    go(pay, &bob_pays_alice);
    waitgroup_wait(&wg);
    printf("alice %d, bob %d\n", alice.balance, bob.balance);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: alice 110, bob 90
// EXPECT-NOT: WARNING
