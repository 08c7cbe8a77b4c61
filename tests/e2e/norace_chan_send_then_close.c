/* Sends, plain and in a select, then a close that they happen before:
 * by the receive of each value (a send happens before its receive
 * completes), by a WaitGroup, and by the sender closing itself. The close
 * writes the channel and each send reads it; ordered, they do not race. */
#include <stdio.h>

#include <gochan.h>

static chan_t *direct, *buffered, *selected, *own;
static waitgroup_t wg = WAITGROUP_INIT;

static void sender(void *arg)
{
    (void)arg;
    int v = 1;
    chan_send(direct, &v);
    chan_send(buffered, &v);
    chan_case cases[] = {CHAN_SEND_CASE(selected, &v)};
    chan_select(cases, 1, false);
    waitgroup_done(&wg);
}

static void self_closer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        chan_send(own, &i);
    chan_close(own);
}

int main(void)
{
    direct = chan_make(sizeof(int), 0);
    buffered = chan_make(sizeof(int), 4);
    selected = chan_make(sizeof(int), 0);
    own = chan_make(sizeof(int), 1);
    waitgroup_add(&wg, 1);
    go(sender, NULL);
    go(self_closer, NULL);
    int v, sum = 0;
    chan_recv(direct, &v);
    sum += v;
    chan_close(direct); /* after the receive of its only send */
    chan_recv(selected, &v);
    sum += v;
    chan_close(selected);
    waitgroup_wait(&wg);
    chan_close(buffered); /* after the WaitGroup */
    while (chan_recv(buffered, &v))
        sum += v;
    while (chan_recv(own, &v))
        sum += v;
    printf("sum=%d\n", sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=6
// EXPECT-NOT: WARNING
