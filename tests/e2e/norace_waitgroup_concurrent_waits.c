/* Several goroutines wait on one WaitGroup at once, and one more waits
 * after the counter is back at zero: Waits never race with one another
 * (Go records a write only for the round's first waiter, and none for a
 * Wait that finds the counter zero), and everything the worker did before
 * Done happens before each Wait returns. */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static waitgroup_t work = WAITGROUP_INIT, waiters = WAITGROUP_INIT;
static int result;
static int seen[3];

static void worker(void *arg)
{
    (void)arg;
    usleep(50 * 1000); /* the waiters are parked by now */
    result = 42;
    waitgroup_done(&work);
}

static void waiter(void *arg)
{
    int i = (int)(long)arg;
    waitgroup_wait(&work);
    seen[i] = result;
    waitgroup_done(&waiters);
}

int main(void)
{
    waitgroup_add(&work, 1);
    go(worker, NULL);
    waitgroup_add(&waiters, 3);
    for (long i = 0; i < 3; i++)
        go(waiter, (void *)i);
    waitgroup_wait(&work);
    waitgroup_wait(&waiters);
    waitgroup_wait(&work); /* the counter is zero: returns at once */
    printf("result=%d seen=%d,%d,%d\n", result, seen[0], seen[1], seen[2]);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: result=42 seen=42,42,42
// EXPECT-NOT: WARNING
