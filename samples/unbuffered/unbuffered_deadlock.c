/*
 * unbuffered, buggy: main sends on an unbuffered channel, then receives
 * from it, as if the channel could hold the value in between.
 *
 * The bug: an unbuffered send completes only when a receiver takes the
 * value. The only receiver is main itself, further down, so the send
 * waits forever, and so does every goroutine: Go stops such a program
 * with "fatal error: all goroutines are asleep - deadlock!", and so does
 * crace, with the stack of each goroutine, what it waits on, and where
 * that channel was made. The exit status is 2.
 *
 * The fixes: unbuffered_receiver.c receives in another goroutine;
 * unbuffered_buffer.c gives the channel room for one value.
 */
#include <stdio.h>

#include <gochan.h>

int main(void)
{
    chan_t *c = chan_make(sizeof(int), 0); // LINE:make
    int answer = 42;
    chan_send(c, &answer); // LINE:send
    int got;
    chan_recv(c, &got);
    printf("got %d\n", got);
    chan_free(c);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT:
// EXPECT: goroutine 1 [chan send]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: ... waits on channel {{ADDR}}
// EXPECT: ... channel created at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT-COUNT: 1 goroutine 1 [
// EXPECT-NOT: got 42
// EXPECT-NOT: WARNING
