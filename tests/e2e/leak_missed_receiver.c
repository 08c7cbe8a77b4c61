/* The caller gives up on a slow worker after a timeout; the worker's
 * result send on an unbuffered channel then blocks forever: a leak. */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static void slow_worker(void *arg)
{
    chan_t *result = arg;
    usleep(100 * 1000);
    int answer = 42;
    chan_send(result, &answer); // LINE:send
}

int main(void)
{
    chan_t *result = chan_make(sizeof(int), 0);
    go(slow_worker, result); // LINE:go
    int v;
    chan_t *timeout = chan_after(10 * 1000 * 1000);
    chan_case cases[] = {CHAN_RECV_CASE(result, &v), CHAN_RECV_CASE(timeout, NULL)};
    if (chan_select(cases, 2, false) == 1)
        printf("timed out\n");
    usleep(300 * 1000); /* the worker is blocked by now */
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: timed out
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 2 [chan send] blocked forever at:
// EXPECT:   slow_worker()
// EXPECT:       {{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: Goroutine 2 (blocked) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: Found 1 goroutine leak(s)
