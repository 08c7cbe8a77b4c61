/* With leak_check=running, a goroutine still alive at exit is reported;
 * one parked in a select with a timer (a retry loop nobody stops, GoKer's
 * grpc#862) says where it waits, as goleak's dump would. The default
 * check leaves it alone: the timer wakes it. */
#include <gochan.h>
#include <unistd.h>

static void retry(void *done)
{
    for (;;) {
        chan_t *t = chan_after(500 * 1000 * 1000);
        chan_case cs[] = {CHAN_RECV_CASE(t, NULL), CHAN_RECV_CASE(done, NULL)};
        int i = chan_select(cs, 2, false); // LINE:select
        chan_free(t);
        if (i == 1)
            return;
    }
}

int main(void)
{
    go(retry, chan_make(0, 0)); // LINE:go
    usleep(50 * 1000);
    return 0;
}

// ENV: CRACE_OPTIONS=leak_check=running
// EXPECT-EXIT: 66
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 2 [select, with a timer] still alive at exit, waiting at:
// EXPECT:   retry()
// EXPECT:       {{FILE}}:{{LINE:select}} {{OFF}}
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: GOROUTINE LEAK
