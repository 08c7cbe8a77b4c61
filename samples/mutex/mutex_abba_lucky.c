/*
 * mutex, buggy (lucky run): the same two transfers as
 * mutex_abba_deadlock.c, locking the two accounts in opposite orders,
 * but this time they do not overlap and the program ends normally.
 *
 * The bug is still there: Alice-then-Bob in one goroutine and
 * Bob-then-Alice in another is a cycle in the lock order, and a run
 * where the two payments come closer together deadlocks. Go's runtime
 * cannot tell; crace records which mutex is taken while holding which
 * (as Linux's lockdep does) and reports the inversion on the lucky runs
 * too, with both lock sites of both goroutines (status 66).
 *
 * The fix (mutex_ordered.c): lock the two accounts in one global order.
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
    usleep(500 * 1000); /* lucky: the second payment comes after the first is done */
    go(pay, &bob_pays_alice); // LINE:go2
    waitgroup_wait(&wg);
    printf("alice %d, bob %d\n", alice.balance, bob.balance);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: alice 110, bob 90
// EXPECT: ==================
// EXPECT: WARNING: POTENTIAL DEADLOCK
// EXPECT: Cycle in lock order graph: M1 ({{ADDR}}) => M2 ({{ADDR}}) => M1
// EXPECT:
// EXPECT: Mutex M2 acquired here while holding mutex M1 in goroutine 2:
// EXPECT:   transfer()
// EXPECT:       {{FILE}}:{{LINE:lock_to}} {{OFF}}
// EXPECT:   pay()
// EXPECT:       {{FILE}}:{{LINE:transfer}} {{OFF}}
// EXPECT:
// EXPECT: Mutex M1 previously acquired by the same goroutine here:
// EXPECT:   transfer()
// EXPECT:       {{FILE}}:{{LINE:lock_from}} {{OFF}}
// EXPECT:   pay()
// EXPECT:       {{FILE}}:{{LINE:transfer}} {{OFF}}
// EXPECT:
// EXPECT: Mutex M1 acquired here while holding mutex M2 in goroutine 3:
// EXPECT:   transfer()
// EXPECT:       {{FILE}}:{{LINE:lock_to}} {{OFF}}
// EXPECT:   pay()
// EXPECT:       {{FILE}}:{{LINE:transfer}} {{OFF}}
// EXPECT:
// EXPECT: Mutex M2 previously acquired by the same goroutine here:
// EXPECT:   transfer()
// EXPECT:       {{FILE}}:{{LINE:lock_from}} {{OFF}}
// EXPECT:   pay()
// EXPECT:       {{FILE}}:{{LINE:transfer}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go1}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go2}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 potential deadlock(s)
// EXPECT-COUNT: 1 WARNING: POTENTIAL DEADLOCK
// EXPECT-NOT: WARNING: DEADLOCK
