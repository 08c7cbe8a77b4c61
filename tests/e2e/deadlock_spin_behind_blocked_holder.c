/* A goroutine takes a spinlock and then waits on a channel nobody sends
 * to; main spins on the spinlock behind it. Nothing can ever move: every
 * goroutine is asleep, the spinner included (it is counted waiting once
 * it has spun a while, and its holder is blocked for good). Before, a
 * spinner never counted as waiting and the program spun forever. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include <gochan.h>

static pthread_spinlock_t table_lock;
static chan_t *refill;
static atomic_int locked; /* relaxed: orders the run, no happens-before */

static void loader(void *arg)
{
    (void)arg;
    pthread_spin_lock(&table_lock); // LINE:hold
    atomic_store_explicit(&locked, 1, memory_order_relaxed);
    int batch;
    chan_recv(refill, &batch); // LINE:recv
    pthread_spin_unlock(&table_lock);
}

int main(void)
{
    pthread_spin_init(&table_lock, PTHREAD_PROCESS_PRIVATE);
    refill = chan_make(sizeof(int), 0); // LINE:make
    go(loader, NULL); // LINE:go
    while (!atomic_load_explicit(&locked, memory_order_relaxed))
        ;
    pthread_spin_lock(&table_lock); // LINE:spin
    printf("not reached\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT:
// EXPECT: goroutine 1 [pthread_spin_lock]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:spin}} {{OFF}}
// EXPECT: ... waits on spinlock {{ADDR}} held by goroutine 2, locked at:
// EXPECT: loader()
// EXPECT: 	{{FILE}}:{{LINE:hold}} {{OFF}}
// EXPECT: goroutine 2 [chan receive]:
// EXPECT: loader()
// EXPECT: 	{{FILE}}:{{LINE:recv}} {{OFF}}
// EXPECT: ... waits on channel {{ADDR}}
// EXPECT-NOT: not reached
