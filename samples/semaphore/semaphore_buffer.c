/*
 * semaphore, correct: a producer and a consumer working at different
 * speeds, decoupled by a channel's buffer.
 *
 * The producer makes its items in a quick burst; the consumer takes
 * 20 ms per item. With a buffer as large as the burst, the producer's
 * sends never wait: it is done (and could do something else) long
 * before the consumer, which drains the buffer at its own pace and stops
 * when the channel is closed and empty. Each send happens before the
 * receive of that item (per buffer slot, as Go's memory model says), so
 * the consumer reads each item fully written: crace is silent.
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

#define N_ITEMS 5

struct item {
    int id;
    char name[16];
};

static void produce(void *arg)
{
    chan_t *items = arg;
    for (int i = 1; i <= N_ITEMS; i++) {
        struct item it = {i, ""};
        snprintf(it.name, sizeof it.name, "item-%d", i);
        chan_send(items, &it); /* room in the buffer: does not wait */
    }
    printf("producer: %d items queued, done\n", N_ITEMS);
    chan_close(items);
}

int main(void)
{
    chan_t *items = chan_make(sizeof(struct item), N_ITEMS);
    go(produce, items);
    struct item it;
    for (;;) {
        usleep(20 * 1000); /* the consumer is slow */
        if (!chan_recv(items, &it))
            break;
        printf("consumer: %s\n", it.name);
    }
    printf("consumer: done\n");
    chan_free(items);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: consumer: item-1
// EXPECT: consumer: item-2
// EXPECT: consumer: item-3
// EXPECT: consumer: item-4
// EXPECT: consumer: item-5
// EXPECT: consumer: done
// EXPECT-COUNT: 1 producer: 5 items queued, done
// EXPECT-NOT: WARNING
