/*
 * leak, fixed: the worker's answer channel has a buffer of one.
 *
 * The worker sends exactly one value, and a buffer of one always has
 * room for it: the send completes whether or not lookup() is still
 * there to receive, and the worker returns. Giving up on a timeout (as
 * here) or on a cancelled context (leak_context.c) no longer leaks
 * anything, and crace is silent at exit.
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static void slow_worker(void *arg)
{
    chan_t *answer = arg;
    usleep(200 * 1000); /* a slow backend */
    int value = 42;
    chan_send(answer, &value); /* room for one: never waits */
}

/* Returns the answer, or -1 after timeout_ms. */
static int lookup(int timeout_ms)
{
    /* Not freed: the worker may still use it (Go's GC would free it). */
    chan_t *answer = chan_make(sizeof(int), 1);
    go(slow_worker, answer);
    int value;
    chan_t *timeout = chan_after((int64_t)timeout_ms * 1000 * 1000);
    chan_case cases[] = {CHAN_RECV_CASE(answer, &value), CHAN_RECV_CASE(timeout, NULL)};
    int chosen = chan_select(cases, 2, false);
    chan_free(timeout);
    return chosen == 0 ? value : -1;
}

int main(void)
{
    int value = lookup(20);
    if (value < 0)
        printf("lookup: timed out\n");
    else
        printf("lookup: %d\n", value);
    usleep(500 * 1000); /* the rest of the program: the worker finishes meanwhile */
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: lookup: timed out
// EXPECT-NOT: WARNING
