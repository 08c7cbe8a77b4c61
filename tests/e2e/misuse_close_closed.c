/* A goroutine closes a channel, and main closes it again: Go's panic,
 * then where the channel was first closed (and by whom) and where it was
 * made. */
#include <gochan.h>

static chan_t *c;
static waitgroup_t wg = WAITGROUP_INIT;

static void closer(void *arg)
{
    (void)arg;
    chan_close(c); // LINE:close1
    waitgroup_done(&wg);
}

int main(void)
{
    c = chan_make(sizeof(int), 1); // LINE:make
    waitgroup_add(&wg, 1);
    go(closer, NULL);
    waitgroup_wait(&wg);
    chan_close(c); // LINE:close2
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: panic: close of closed channel
// EXPECT:
// EXPECT: goroutine 1 [running]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:close2}} {{OFF}}
// EXPECT:
// EXPECT: channel {{ADDR}} was closed by goroutine 2 at:
// EXPECT: closer()
// EXPECT: 	{{FILE}}:{{LINE:close1}} {{OFF}}
// EXPECT: channel {{ADDR}} created at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT-NOT: WARNING
