/*
 * mutex, buggy (unlucky run): two transfers lock the same two accounts in
 * opposite orders, and meet in the middle.
 *
 * The bug: transfer() locks the source account, then the destination.
 * Alice pays Bob while Bob pays Alice: one goroutine holds Alice's mutex
 * and waits for Bob's, the other holds Bob's and waits for Alice's.
 * Neither can go on, ever. Go's runtime would not notice while other
 * goroutines run; crace reports the cycle as soon as it closes, with
 * where each goroutine waits and where it locked what the other wants,
 * then stops the program with status 2.
 *
 * The fix (mutex_ordered.c): lock the two accounts in one global order.
 * The same code with luckier timing: mutex_abba_lucky.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

struct account {
    pthread_mutex_t mu;
    int balance; /* guarded by mu */
};

struct payment {
    struct account *from, *to;
    int amount;
};

static struct account alice = {PTHREAD_MUTEX_INITIALIZER, 100};
static struct account bob = {PTHREAD_MUTEX_INITIALIZER, 100};
static waitgroup_t wg = WAITGROUP_INIT;

static void transfer(struct account *from, struct account *to, int amount)
{
    pthread_mutex_lock(&from->mu); // LINE:lock_from
    usleep(200 * 1000);            /* a slow fraud check, with from locked */
    pthread_mutex_lock(&to->mu);   // LINE:lock_to
    from->balance -= amount;
    to->balance += amount;
    pthread_mutex_unlock(&to->mu);
    pthread_mutex_unlock(&from->mu);
}

static void pay(void *arg)
{
    struct payment *p = arg;
    transfer(p->from, p->to, p->amount); // LINE:transfer
    waitgroup_done(&wg);
}

int main(void)
{
    static struct payment alice_pays_bob = {&alice, &bob, 10};
    static struct payment bob_pays_alice = {&bob, &alice, 20};
    waitgroup_add(&wg, 2);
    go(pay, &alice_pays_bob); // LINE:go1
    usleep(100 * 1000); /* the second payment comes while the first is checked */
    go(pay, &bob_pays_alice); // LINE:go2
    waitgroup_wait(&wg);
    printf("alice %d, bob %d\n", alice.balance, bob.balance);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: DEADLOCK
// EXPECT: Goroutines waiting for each other in a cycle: 3 -> 2 -> 3
// EXPECT:
// EXPECT: Goroutine 3 blocks in pthread_mutex_lock on mutex {{ADDR}} held by goroutine 2:
// EXPECT:   transfer()
// EXPECT:       {{FILE}}:{{LINE:lock_to}} {{OFF}}
// EXPECT:   pay()
// EXPECT:       {{FILE}}:{{LINE:transfer}} {{OFF}}
// EXPECT:
// EXPECT: Mutex {{ADDR}} locked by goroutine 2 at:
// EXPECT:   transfer()
// EXPECT:       {{FILE}}:{{LINE:lock_from}} {{OFF}}
// EXPECT:   pay()
// EXPECT:       {{FILE}}:{{LINE:transfer}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 2 blocks in pthread_mutex_lock on mutex {{ADDR}} held by goroutine 3:
// EXPECT:   transfer()
// EXPECT:       {{FILE}}:{{LINE:lock_to}} {{OFF}}
// EXPECT:   pay()
// EXPECT:       {{FILE}}:{{LINE:transfer}} {{OFF}}
// EXPECT:
// EXPECT: Mutex {{ADDR}} locked by goroutine 3 at:
// EXPECT:   transfer()
// EXPECT:       {{FILE}}:{{LINE:lock_from}} {{OFF}}
// EXPECT:   pay()
// EXPECT:       {{FILE}}:{{LINE:transfer}} {{OFF}}
// EXPECT-NOT: alice
