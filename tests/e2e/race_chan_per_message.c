/* A receive synchronises with the send it received, not with every send on
 * the channel. The receiver gets the first sender's message, then reads
 * what the second sender wrote before its own send, which it did not
 * receive: a race that one clock per channel would hide. */
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static int data_b;
/* How many messages are buffered. Relaxed: it orders the run (sender_a's
 * message first, both sent before main receives) however slow the
 * machine, without creating any happens-before edge. */
static atomic_int sent;

static void wait_sent(int n)
{
    while (atomic_load_explicit(&sent, memory_order_relaxed) < n)
        usleep(1000);
}

static void sender_a(void *arg)
{
    int m = 1;
    chan_send(arg, &m);
    atomic_fetch_add_explicit(&sent, 1, memory_order_relaxed);
}

static void sender_b(void *arg)
{
    wait_sent(1);
    data_b = 42; // LINE:write
    int m = 2;
    chan_send(arg, &m);
    atomic_fetch_add_explicit(&sent, 1, memory_order_relaxed);
}

int main(void)
{
    chan_t *c = chan_make(sizeof(int), 2);
    go(sender_a, c);
    go(sender_b, c);
    wait_sent(2);
    int m;
    chan_recv(c, &m); /* FIFO: sender_a's message */
    printf("got %d, data_b=%d\n", m, data_b); // LINE:read
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: got 1, data_b=42
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 3:
// EXPECT:   sender_b()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
