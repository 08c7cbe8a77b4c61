/* The caller gives up on a slow fetch after a timeout; the fetcher's send
 * of its result on an unbuffered channel then blocks forever: a leak. */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static void fetch(void *arg)
{
    chan_t *result = arg;
    usleep(100 * 1000);
    int status = 200;
    chan_send(result, &status);
}

int main(void)
{
    chan_t *result = chan_make(sizeof(int), 0);
    go(fetch, result);
    int status;
    chan_case cases[] = {CHAN_RECV_CASE(result, &status),
                         CHAN_RECV_CASE(chan_after(10 * 1000 * 1000), NULL)};
    if (chan_select(cases, 2, false) == 1)
        printf("timed out\n");
    usleep(300 * 1000);
    return 0;
}
