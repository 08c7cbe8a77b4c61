/*
 * rangeclose, buggy: main receives in a loop until the channel is closed
 * (Go's `for v := range c`), but the producer never closes it.
 *
 * The bug: after the last value the loop's receive waits for a value or
 * a close that never comes. The producer has returned, so no goroutine
 * can ever wake main: all goroutines are asleep, the program is stopped
 * with exit status 2, and the report shows main waiting in the loop's
 * receive on the channel made at the top of main.
 *
 * The fix (rangeclose_close.c): the producer closes the channel when it
 * has sent its last value; the loop then ends.
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
    /* forgot: chan_close(squares); */
}

int main(void)
{
    chan_t *squares = chan_make(sizeof(int), 0); // LINE:make
    go(produce, squares);
    int sq;
    while (chan_recv(squares, &sq)) // LINE:recv
        printf("%d\n", sq);
    printf("done\n");
    chan_free(squares);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 1
// EXPECT: 4
// EXPECT: 9
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT:
// EXPECT: goroutine 1 [chan receive]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:recv}} {{OFF}}
// EXPECT: ... waits on channel {{ADDR}}
// EXPECT: ... channel created at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT-COUNT: 1 goroutine 1 [
// EXPECT-NOT: goroutine 2 [
// EXPECT-NOT: done
