/* main waits on a channel while the only other goroutine sleeps before
 * sending: a wait crace cannot see is running, so no deadlock. */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static void sender(void *arg)
{
    usleep(200 * 1000);
    int v = 7;
    chan_send(arg, &v);
}

int main(void)
{
    chan_t *c = chan_make(sizeof(int), 0);
    go(sender, c);
    int v = 0;
    chan_recv(c, &v);
    printf("got %d\n", v);
    chan_t *t = chan_after(50 * 1000 * 1000);
    chan_recv(t, NULL); /* a timer is pending: not a deadlock either */
    printf("timer fired\n");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: got 7
// EXPECT: timer fired
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
