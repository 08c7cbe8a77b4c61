/* A poller spins on a select with a default case instead of blocking. */
#include <gochan.h>

static chan_t *jobs;

static void poller(void *arg)
{
    (void)arg;
    int job;
    for (;;) {
        chan_case cases[] = {CHAN_RECV_CASE(jobs, &job)};
        if (chan_select(cases, 1, true) >= 0)
            break;
    }
}

int main(void)
{
    jobs = chan_make(sizeof(int), 1);
    go(poller, NULL);
    chan_t *never = chan_make(sizeof(int), 0);
    chan_recv(never, NULL);
    return 0;
}
