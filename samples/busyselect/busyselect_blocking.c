/*
 * busyselect, fixed: the consumer's select has no default case, so it
 * blocks until a job arrives or quit is closed.
 *
 * A blocking select parks the goroutine: it uses no CPU while it waits,
 * and wakes as soon as one of its cases can proceed (Go's `select`
 * without `default`). The output is the same as busyselect_spin.c's, and
 * crace is silent. A default case is for "do something else if nothing
 * is ready", never for "try again".
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

#define N_JOBS 3

struct consumer {
    chan_t *jobs;
    chan_t *quit; /* closed by main when there are no more jobs */
    int handled;
    waitgroup_t wg;
};

static void consume(void *arg)
{
    struct consumer *c = arg;
    for (;;) {
        int job;
        chan_case cases[] = {CHAN_RECV_CASE(c->jobs, &job), CHAN_RECV_CASE(c->quit, NULL)};
        int chosen = chan_select(cases, 2, false); /* false: blocks */
        if (chosen == 1)
            break;
        c->handled++;
    }
    waitgroup_done(&c->wg);
}

int main(void)
{
    struct consumer c = {chan_make(sizeof(int), 0), chan_make(0, 0), 0, WAITGROUP_INIT};
    waitgroup_add(&c.wg, 1);
    go(consume, &c);
    for (int job = 1; job <= N_JOBS; job++) {
        usleep(200 * 1000); /* jobs arrive slowly */
        chan_send(c.jobs, &job);
    }
    chan_close(c.quit);
    waitgroup_wait(&c.wg);
    printf("jobs handled: %d\n", c.handled);
    chan_free(c.jobs);
    chan_free(c.quit);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: jobs handled: 3
// EXPECT-NOT: WARNING
