/*
 * busyselect, buggy: a consumer polls its channels with a non-blocking
 * select (a select with a default case) in a loop.
 *
 * The bug: when nothing is ready the default case is taken at once and
 * the loop polls again, millions of times a second: the goroutine burns
 * a whole CPU doing nothing while it waits, and slows down the goroutines
 * that would produce its work. The output is right, so tests pass; only
 * the CPU bill shows it. crace counts the polls that found nothing ready
 * and reports a select that spins, once, with its stack (status 66).
 *
 * The fix (busyselect_blocking.c): drop the default case, so the select
 * blocks until a case is ready.
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
        int chosen = chan_select(cases, 2, true); /* true: a default case */ // LINE:select
        if (chosen == 0)
            c->handled++;
        else if (chosen == 1)
            break;
        /* else the default case: nothing ready, poll again at once */
    }
    waitgroup_done(&c->wg);
}

int main(void)
{
    struct consumer c = {chan_make(sizeof(int), 0), chan_make(0, 0), 0, WAITGROUP_INIT};
    waitgroup_add(&c.wg, 1);
    go(consume, &c); // LINE:go
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

// EXPECT-EXIT: 66
// EXPECT: jobs handled: 3
// EXPECT: ==================
// EXPECT: WARNING: BUSY SELECT LOOP
// EXPECT:   consume()
// EXPECT:       {{FILE}}:{{LINE:select}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 busy select loop(s)
// EXPECT-COUNT: 1 Goroutine 2 runs a select with a default case that found nothing ready
// EXPECT-COUNT: 1 WARNING: BUSY SELECT LOOP
