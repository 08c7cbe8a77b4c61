/* A goroutine left blocked in a select names every channel it waits on,
 * each with where it was made, once however many cases use it (GoKer's
 * cockroach#2448: a dump naming one channel read as if the select waited
 * on that one alone). Nil channels, never ready, are not named. */
#include <gochan.h>
#include <unistd.h>

static chan_t *events, *stopper;

static void send_event(void *arg)
{
    (void)arg;
    int v = 1;
    chan_case cases[] = {CHAN_SEND_CASE(events, &v), CHAN_RECV_CASE(stopper, NULL), CHAN_RECV_CASE(NULL, NULL),
                         CHAN_RECV_CASE(stopper, NULL)};
    chan_select(cases, 4, false); // LINE:select
}

int main(void)
{
    events = chan_make(sizeof(int), 0); // LINE:events
    stopper = chan_make(0, 0); // LINE:stopper
    go(send_event, NULL); // LINE:go
    usleep(50 * 1000);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 2 [select] blocked forever at:
// EXPECT:   send_event()
// EXPECT:       {{FILE}}:{{LINE:select}} {{OFF}}
// EXPECT: ... waits on channel {{ADDR}}
// EXPECT: ... channel created at:
// EXPECT:       {{FILE}}:{{LINE:events}} {{OFF}}
// EXPECT: ... waits on channel {{ADDR}}
// EXPECT: ... channel created at:
// EXPECT:       {{FILE}}:{{LINE:stopper}} {{OFF}}
// EXPECT-COUNT: 2 ... waits on channel
