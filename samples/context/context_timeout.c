/*
 * context, correct: a worker pool stopped by a context with a timeout.
 *
 * The workers poll for work until the context's deadline passes
 * (context_with_timeout, Go's context.WithTimeout): each one waits in a
 * select for its next tick or for the done channel, which libgochan
 * closes when the timeout expires. Nobody calls cancel; context_err then
 * says CONTEXT_DEADLINE_EXCEEDED. The close of the done channel happens
 * before each worker sees it, the WaitGroup orders the workers' counts
 * before main reads them, and context_release frees the context (and
 * would cancel it, were it still running, like Go's deferred cancel()).
 * crace is silent.
 */
#include <stdio.h>

#include <gochan.h>

#define N_WORKERS 3

struct worker {
    context_t *ctx;
    waitgroup_t *wg;
    int polls; /* written by the worker, read by main after the wait */
};

static void poll_until_done(void *arg)
{
    struct worker *w = arg;
    for (;;) {
        chan_t *tick = chan_after(5 * 1000 * 1000);
        chan_case cases[] = {CHAN_RECV_CASE(tick, NULL), CHAN_RECV_CASE(context_done(w->ctx), NULL)};
        int chosen = chan_select(cases, 2, false);
        chan_free(tick);
        if (chosen == 1)
            break; /* deadline passed */
        w->polls++;
    }
    waitgroup_done(w->wg);
}

int main(void)
{
    context_t *ctx = context_with_timeout(context_background(), 200 * 1000 * 1000);
    waitgroup_t wg = WAITGROUP_INIT;
    struct worker workers[N_WORKERS];
    for (int i = 0; i < N_WORKERS; i++) {
        workers[i] = (struct worker){ctx, &wg, 0};
        waitgroup_add(&wg, 1);
        go(poll_until_done, &workers[i]);
    }
    waitgroup_wait(&wg);

    int all_polled = 1;
    for (int i = 0; i < N_WORKERS; i++)
        all_polled &= workers[i].polls > 0;
    printf("every worker polled: %s\n", all_polled ? "yes" : "no");
    printf("context: %s\n", context_err(ctx) == CONTEXT_DEADLINE_EXCEEDED ? "deadline exceeded" : "?");
    context_release(ctx);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: every worker polled: yes
// EXPECT: context: deadline exceeded
// EXPECT-NOT: WARNING
