/*
 * leak, buggy: a lookup with a timeout leaves its worker blocked forever.
 *
 * The bug: lookup() starts a worker that sends its answer on an
 * unbuffered channel, and waits for the answer or a timeout
 * (chan_after, Go's time.After), whichever comes first. When the timeout
 * wins, nobody will ever receive from the channel: the worker's send
 * blocks forever, and the goroutine, its stack and everything it holds
 * are leaked. Each timed-out lookup leaks one more. The program goes on,
 * so this is no deadlock; crace lists the goroutines still blocked
 * forever at exit, with where they block and where they were started,
 * and the exit status is 66.
 *
 * The fix (leak_buffered.c): give the channel a buffer of one, so the
 * worker's send completes even when nobody is left to receive.
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

/* Returns the answer, or -1 after timeout_ms. */
static int lookup(int timeout_ms)
{
    /* Not freed: the worker may still use it (Go's GC would free it). */
    chan_t *answer = chan_make(sizeof(int), 0); // LINE:make
    go(slow_worker, answer); // LINE:go
    int value;
    chan_t *timeout = chan_after((int64_t)timeout_ms * 1000 * 1000);
    chan_case cases[] = {CHAN_RECV_CASE(answer, &value), CHAN_RECV_CASE(timeout, NULL)};
    int chosen = chan_select(cases, 2, false);
    chan_free(timeout);
    return chosen == 0 ? value : -1;
}

int main(void)
{
    int value = lookup(20); // LINE:lookup
    if (value < 0)
        printf("lookup: timed out\n");
    else
        printf("lookup: %d\n", value);
    usleep(500 * 1000); /* the rest of the program: the worker blocks meanwhile */
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: lookup: timed out
// EXPECT: ==================
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 2 [chan send] blocked forever at:
// EXPECT:   slow_worker()
// EXPECT:       {{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: ... waits on channel {{ADDR}}
// EXPECT: ... channel created at:
// EXPECT:   lookup()
// EXPECT:       {{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:lookup}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 2 (blocked) created at:
// EXPECT:   lookup()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:lookup}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 goroutine leak(s)
// EXPECT-COUNT: 1 WARNING: GOROUTINE LEAK
