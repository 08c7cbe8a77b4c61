/*
 * unbuffered, fixed with a buffer: the channel has room for one value.
 *
 * A send on a buffered channel with free room completes at once, so main
 * can send, then receive its own value. Only right when the number of
 * values in flight is known and bounded (here, one); otherwise a buffer
 * merely postpones the deadlock until it is full.
 */
#include <stdio.h>

#include <gochan.h>

int main(void)
{
    chan_t *c = chan_make(sizeof(int), 1);
    int answer = 42;
    chan_send(c, &answer); /* buffered: does not wait */
    int got;
    chan_recv(c, &got);
    printf("got %d\n", got);
    chan_free(c);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: got 42
// EXPECT-NOT: fatal error
// EXPECT-NOT: WARNING
