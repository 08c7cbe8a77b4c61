/*
 * mutex, buggy: an early return leaves the mutex locked.
 *
 * The bug: withdraw() returns early when the balance is too low, and
 * that path forgets pthread_mutex_unlock (Go avoids it with `defer
 * mu.Unlock()`). The goroutine ends still holding the mutex, which crace
 * reports as it ends (where it locked it); the next lock, in main, waits
 * forever, and nobody else is left to run: all goroutines are asleep.
 * crace stops the program (status 2) and says which goroutine holds the
 * mutex and where it locked it, though that goroutine has long finished.
 *
 * The fix: unlock on every path out of the critical section, e.g. with
 * one exit point:  ok = balance >= amount; if (ok) balance -= amount;
 * unlock; return ok;  (mutex_locked.c has the locking done right.)
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include <gochan.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int balance = 50; /* guarded by mu */

static bool withdraw(int amount)
{
    pthread_mutex_lock(&mu); // LINE:lock
    if (balance < amount)
        return false; /* the bug: mu is still locked */
    balance -= amount;
    pthread_mutex_unlock(&mu);
    return true;
}

static void customer(void *arg)
{
    chan_t *done = arg;
    bool ok = withdraw(80); // LINE:withdraw
    chan_send(done, &ok);
}

int main(void)
{
    chan_t *done = chan_make(sizeof(bool), 0);
    go(customer, done); // LINE:go
    bool ok;
    chan_recv(done, &ok);
    printf("withdraw 80: %s\n", ok ? "ok" : "refused");
    pthread_mutex_lock(&mu); // LINE:blocked
    printf("balance %d\n", balance);
    pthread_mutex_unlock(&mu);
    chan_free(done);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: Goroutine 2 finished holding mutex {{ADDR}}, which it locked at:
// EXPECT:   withdraw()
// EXPECT:       {{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT:   customer()
// EXPECT:       {{FILE}}:{{LINE:withdraw}} {{OFF}}
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT:
// EXPECT: goroutine 1 [pthread_mutex_lock]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:blocked}} {{OFF}}
// EXPECT: ... waits on mutex {{ADDR}} held by goroutine 2, locked at:
// EXPECT: withdraw()
// EXPECT: 	{{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT: customer()
// EXPECT: 	{{FILE}}:{{LINE:withdraw}} {{OFF}}
// EXPECT-NOT: balance
// EXPECT-COUNT: 1 WARNING
// EXPECT-COUNT: 1 withdraw 80: refused
