/*
 * unbuffered, fixed with a receiver: the value is sent by one goroutine
 * and received by another.
 *
 * An unbuffered channel is a rendezvous: the send completes when the
 * receiver takes the value. With the send in its own goroutine, main's
 * receive is that receiver, and both go on. The receive also orders
 * everything the sender did before sending ahead of main's next steps.
 */
#include <stdio.h>

#include <gochan.h>

static void produce(void *arg)
{
    chan_t *c = arg;
    int answer = 42;
    chan_send(c, &answer); /* waits until main receives */
}

int main(void)
{
    chan_t *c = chan_make(sizeof(int), 0);
    go(produce, c);
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
