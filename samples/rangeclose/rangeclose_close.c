/*
 * rangeclose, fixed: the producer closes the channel after its last send.
 *
 * Once the channel is closed and drained, chan_recv returns false and the
 * receive loop ends (Go's `for v := range c` ends the same way). The
 * close happens before that final receive, so everything the producer did
 * is visible to main after the loop. Only the sender closes: a receiver
 * cannot know whether another value is still coming.
 */
#include <stdio.h>

#include <gochan.h>

static void produce(void *arg)
{
    chan_t *squares = arg;
    for (int i = 1; i <= 3; i++) {
        int sq = i * i;
        chan_send(squares, &sq);
    }
    chan_close(squares);
}

int main(void)
{
    chan_t *squares = chan_make(sizeof(int), 0);
    go(produce, squares);
    int sq;
    while (chan_recv(squares, &sq))
        printf("%d\n", sq);
    printf("done\n");
    chan_free(squares);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 1
// EXPECT: 4
// EXPECT: 9
// EXPECT: done
// EXPECT-NOT: fatal error
// EXPECT-NOT: WARNING
