/*
 * closing, correct: receiving from a closed channel, with the comma-ok
 * idiom.
 *
 * A receive on a closed channel never blocks and never panics: it first
 * drains the buffered values, then returns at once with ok false and a
 * zero value (Go's `v, ok := <-c`). So the one sender closes the channel
 * to say "no more values", and any number of receivers learn it; here
 * two workers share a job queue and each stops when it sees ok false.
 * The close happens before the receives that report it, so main reads
 * the workers' totals safely once they are done. crace is silent.
 */
#include <stdbool.h>
#include <stdio.h>

#include <gochan.h>

#define N_JOBS 6

struct worker {
    chan_t *jobs;
    int done;
    waitgroup_t *wg;
};

static void work(void *arg)
{
    struct worker *w = arg;
    for (;;) {
        int job;
        bool ok = chan_recv(w->jobs, &job);
        if (!ok) /* closed and drained: job is 0 */
            break;
        w->done++;
    }
    waitgroup_done(w->wg);
}

int main(void)
{
    chan_t *jobs = chan_make(sizeof(int), N_JOBS);
    waitgroup_t wg = WAITGROUP_INIT;
    struct worker workers[2] = {{jobs, 0, &wg}, {jobs, 0, &wg}};
    for (int i = 0; i < 2; i++) {
        waitgroup_add(&wg, 1);
        go(work, &workers[i]);
    }
    for (int job = 1; job <= N_JOBS; job++)
        chan_send(jobs, &job);
    chan_close(jobs); /* the only sender closes, once */
    waitgroup_wait(&wg);

    int job = -1;
    bool ok = chan_recv(jobs, &job); /* closed: returns at once */
    printf("jobs done: %d\n", workers[0].done + workers[1].done);
    printf("after close: ok=%s job=%d\n", ok ? "true" : "false", job);
    chan_free(jobs);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: jobs done: 6
// EXPECT: after close: ok=false job=0
// EXPECT-NOT: panic
// EXPECT-NOT: WARNING
