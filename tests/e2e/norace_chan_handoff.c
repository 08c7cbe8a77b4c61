/* Data handed over through channels, buffered and unbuffered, and through
 * a close: each send (or close) happens before the receive that sees it. */
#include <stdio.h>
#include <stdlib.h>

#include <gochan.h>

struct msg {
    int payload[4];
};

static void producer(void *arg)
{
    chan_t *c = arg;
    for (int i = 0; i < 100; i++) {
        struct msg *m = malloc(sizeof(*m));
        for (int k = 0; k < 4; k++)
            m->payload[k] = i + k;
        chan_send(c, &m);
    }
    chan_close(c);
}

static int shared_total;

static void finisher(void *arg)
{
    shared_total = 7; /* written before the close the main goroutine sees */
    chan_close(arg);
}

int main(void)
{
    long sum = 0;
    for (size_t cap = 0; cap <= 8; cap += 8) {
        chan_t *c = chan_make(sizeof(struct msg *), cap);
        go(producer, c);
        struct msg *m;
        while (chan_recv(c, &m)) {
            sum += m->payload[0] + m->payload[3];
            free(m);
        }
        chan_free(c);
    }
    chan_t *done = chan_make(0, 0);
    go(finisher, done);
    chan_recv(done, NULL);
    printf("sum=%ld total=%d\n", sum, shared_total);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=20400 total=7
// EXPECT-NOT: WARNING
