/*
 * closing, buggy: a channel is closed twice.
 *
 * The bug: the worker closes `done` to say it has finished, and main,
 * tidying up, closes it again. Closing a closed channel is a programming
 * error in Go, which panics: "close of closed channel". So does
 * libgochan, with the stack of the second close, and the program exits
 * with status 2. Under crace the panic also says where the channel was
 * first closed and where it was made, so the other close is found
 * without a debugger.
 *
 * The fix: exactly one party closes a channel, normally its only sender
 * (here the worker); the others only receive. See closing_commaok.c.
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static void worker(void *arg)
{
    chan_t *done = arg;
    usleep(10 * 1000); /* the work */
    chan_close(done); // LINE:close1
}

int main(void)
{
    chan_t *done = chan_make(0, 0); // LINE:make
    go(worker, done);
    chan_recv(done, NULL); /* returns once the worker has closed done */
    printf("worker finished\n");
    chan_close(done); /* the bug: already closed */ // LINE:close2
    chan_free(done);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: worker finished
// EXPECT: panic: close of closed channel
// EXPECT:
// EXPECT: goroutine 1 [running]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:close2}} {{OFF}}
// EXPECT:
// EXPECT: channel {{ADDR}} was closed by goroutine 2 at:
// EXPECT: worker()
// EXPECT: 	{{FILE}}:{{LINE:close1}} {{OFF}}
// EXPECT: channel {{ADDR}} created at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT-NOT: WARNING
