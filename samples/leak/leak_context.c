/*
 * leak, buggy: a lookup abandoned through a cancelled context leaves its
 * worker blocked forever.
 *
 * The bug: the same as leak_timeout.c, with Go's other way of giving up:
 * lookup() waits for the worker's answer or for its context to be done
 * (context_done, Go's ctx.Done()). Here the caller cancels the request
 * before the answer comes, lookup() returns CONTEXT_CANCELED, and the
 * worker's send on the unbuffered channel waits forever for a receiver
 * that is gone. crace reports the leaked goroutine at exit (status 66).
 *
 * The fix (leak_buffered.c): a buffer of one, so the send never waits;
 * or a worker that also selects on ctx's done channel when it sends.
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static void slow_worker(void *arg)
{
    chan_t *answer = arg;
    usleep(200 * 1000); /* a slow backend */
    int value = 42;
    chan_send(answer, &value); // LINE:send
}

/* Stores the answer in *value and returns 0, or returns context_err(ctx)
 * when ctx is done first. */
static int lookup(context_t *ctx, int *value)
{
    /* Not freed: the worker may still use it (Go's GC would free it). */
    chan_t *answer = chan_make(sizeof(int), 0);
    go(slow_worker, answer); // LINE:go
    chan_case cases[] = {CHAN_RECV_CASE(answer, value), CHAN_RECV_CASE(context_done(ctx), NULL)};
    if (chan_select(cases, 2, false) == 1)
        return context_err(ctx);
    return 0;
}

/* The user gives up on the request after 20 ms. */
static void impatient_user(void *arg)
{
    usleep(20 * 1000);
    context_cancel(arg);
}

int main(void)
{
    context_t *ctx = context_with_cancel(context_background());
    go(impatient_user, ctx);
    int value;
    int err = lookup(ctx, &value); // LINE:lookup
    if (err == CONTEXT_CANCELED)
        printf("lookup: canceled\n");
    else
        printf("lookup: %d\n", value);
    usleep(500 * 1000); /* the rest of the program: the worker blocks meanwhile */
    context_release(ctx);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: lookup: canceled
// EXPECT: ==================
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 3 [chan send] blocked forever at:
// EXPECT:   slow_worker()
// EXPECT:       {{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 3 (blocked) created at:
// EXPECT:   lookup()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:lookup}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 goroutine leak(s)
// EXPECT-COUNT: 1 WARNING: GOROUTINE LEAK
