/* A receive loop over a channel the producer never closes: after the last
 * value the consumer waits forever, and the producer is gone. */
#include <stdio.h>

#include <gochan.h>

static void producer(void *arg)
{
    chan_t *c = arg;
    for (int i = 1; i <= 3; i++)
        chan_send(c, &i);
    /* forgot: chan_close(c); */
}

int main(void)
{
    chan_t *c = chan_make(sizeof(int), 0);
    go(producer, c); // LINE:go
    int v, sum = 0;
    while (chan_recv(c, &v)) // LINE:recv
        sum += v;
    printf("sum=%d\n", sum);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT: goroutine 1 [chan receive]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:recv}} {{OFF}}
// EXPECT-COUNT: 1 goroutine 1 [
// EXPECT-NOT: goroutine 2 [
