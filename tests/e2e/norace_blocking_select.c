/* Selects that do not burn a CPU: a blocking select that waits for its
 * value, a polling loop that sleeps between empty polls, and a short
 * burst of empty polls (far fewer than busy_select_threshold). */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static chan_t *values, *quit;

static void producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        usleep(20 * 1000);
        chan_send(values, &i);
    }
    chan_close(quit);
}

int main(void)
{
    values = chan_make(sizeof(int), 0);
    quit = chan_make(0, 0);
    go(producer, NULL);
    int v, sum = 0;
    for (;;) {
        chan_case cases[] = {CHAN_RECV_CASE(values, &v), CHAN_RECV_CASE(quit, NULL)};
        if (chan_select(cases, 2, false) == 1)
            break;
        sum += v;
    }
    /* Polling politely: an empty poll, then a nap. */
    chan_t *late = chan_make(sizeof(int), 1);
    for (int i = 0; i < 50 && chan_try_recv(late, &v) == CHAN_EMPTY; i++)
        usleep(1000);
    /* A burst: 100000 empty polls in a row, well under the threshold. */
    for (int i = 0; i < 100000; i++) {
        chan_case cases[] = {CHAN_RECV_CASE(late, &v)};
        if (chan_select(cases, 1, true) >= 0)
            break;
    }
    printf("sum %d\n", sum);
    return sum == 10 ? 0 : 1;
}

// EXPECT-EXIT: 0
// EXPECT: sum 10
// EXPECT-NOT: WARNING
