/*
 * context, correct: a worker pool stopped by cancelling a context.
 *
 * Each worker waits in a select for a job or for the context to be done
 * (context_done, Go's ctx.Done()). When main has handed out its jobs it
 * calls context_cancel: the done channel is closed, every worker's
 * select sees it and the worker returns. Cancelling happens before the
 * receive that sees the done channel closed, and waitgroup_done before
 * main's waitgroup_wait returns, so main reads the workers' counts
 * safely. Nothing leaks, nothing races: crace is silent.
 */
#include <stdio.h>

#include <gochan.h>

#define N_WORKERS 3
#define N_JOBS 9

struct worker {
    context_t *ctx;
    chan_t *jobs;
    waitgroup_t *wg;
    int done; /* written by the worker, read by main after the wait */
};

static void work(void *arg)
{
    struct worker *w = arg;
    for (;;) {
        int job;
        chan_case cases[] = {CHAN_RECV_CASE(w->jobs, &job), CHAN_RECV_CASE(context_done(w->ctx), NULL)};
        if (chan_select(cases, 2, false) == 1)
            break; /* cancelled */
        w->done++;
    }
    waitgroup_done(w->wg);
}

int main(void)
{
    context_t *ctx = context_with_cancel(context_background());
    chan_t *jobs = chan_make(sizeof(int), 0);
    waitgroup_t wg = WAITGROUP_INIT;
    struct worker workers[N_WORKERS];
    for (int i = 0; i < N_WORKERS; i++) {
        workers[i] = (struct worker){ctx, jobs, &wg, 0};
        waitgroup_add(&wg, 1);
        go(work, &workers[i]);
    }
    for (int job = 1; job <= N_JOBS; job++)
        chan_send(jobs, &job); /* unbuffered: each one is taken by a worker */
    context_cancel(ctx);
    waitgroup_wait(&wg);

    int total = 0;
    for (int i = 0; i < N_WORKERS; i++)
        total += workers[i].done;
    printf("jobs done: %d\n", total);
    printf("context: %s\n", context_err(ctx) == CONTEXT_CANCELED ? "canceled" : "?");
    chan_free(jobs);
    context_release(ctx);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: jobs done: 9
// EXPECT: context: canceled
// EXPECT-NOT: WARNING
