/* Selects whose cases are all on nil channels wait for ever, and Go names
 * the wait as it does: "select" when there are several cases, and the
 * plain operation's reason for a single one (Go's compiler turns a
 * one-case select into the operation). "select (no cases)" is select {}
 * alone. */
#include <stddef.h>
#include <unistd.h>

#include <gochan.h>

static void one_case(void *arg)
{
    (void)arg;
    int v = 0;
    chan_case cases[] = {CHAN_SEND_CASE(NULL, &v)};
    chan_select(cases, 1, false); // LINE:one
}

int main(void)
{
    go(one_case, NULL);
    usleep(50 * 1000);
    int v;
    chan_t *none = NULL;
    chan_case cases[] = {CHAN_RECV_CASE(none, &v), CHAN_SEND_CASE(none, &v)};
    chan_select(cases, 2, false); // LINE:two
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT: goroutine 1 [select]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:two}} {{OFF}}
// EXPECT: goroutine 2 [chan send (nil chan)]:
// EXPECT: one_case()
// EXPECT: 	{{FILE}}:{{LINE:one}} {{OFF}}
// EXPECT-NOT: no cases
