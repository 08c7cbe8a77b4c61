/* A goroutine sends on a channel while another closes it, and nothing
 * orders the two: Go's race detector reports the send (a read of the
 * channel) against the close (a write), whichever panics or not. Here the
 * buffered send comes first in time (the sleep orders it, with no
 * happens-before), so nothing panics: the race is all there is. */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static chan_t *results;
static waitgroup_t wg = WAITGROUP_INIT;

static void sender(void *arg)
{
    (void)arg;
    int v = 1;
    chan_send(results, &v); // LINE:send
    waitgroup_done(&wg);
}

static void closer(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    chan_close(results); // LINE:close
    waitgroup_done(&wg);
}

int main(void)
{
    results = chan_make(sizeof(int), 1); // LINE:make
    waitgroup_add(&wg, 2);
    go(sender, NULL); // LINE:go_sender
    go(closer, NULL); // LINE:go_closer
    waitgroup_wait(&wg);
    int v = 0;
    bool ok = chan_recv(results, &v);
    printf("received %d ok=%d\n", v, ok);
    chan_free(results);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: received 1 ok=1
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   closer()
// EXPECT:       {{FILE}}:{{LINE:close}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   sender()
// EXPECT:       {{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: Location is heap block of size {{NUM}} at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go_closer}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go_sender}} {{OFF}}
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
