/* Cancelling a context happens before a receive that sees its done channel
 * closed, and before context_err reports it: data written before the
 * cancel is visible to the workers that stop because of it. */
#include <stdio.h>

#include <gochan.h>

#define WORKERS 4

static int reason;
static int seen[WORKERS];
static waitgroup_t wg = WAITGROUP_INIT;

struct job {
    context_t *ctx;
    int id;
};

static void worker(void *arg)
{
    struct job *j = arg;
    chan_recv(context_done(j->ctx), NULL);
    if (context_err(j->ctx) == CONTEXT_CANCELED)
        seen[j->id] = reason;
    waitgroup_done(&wg);
}

int main(void)
{
    context_t *ctx = context_with_cancel(context_background());
    struct job jobs[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        jobs[i] = (struct job){ctx, i};
        waitgroup_add(&wg, 1);
        go(worker, &jobs[i]);
    }
    reason = 7;
    context_cancel(ctx);
    waitgroup_wait(&wg);
    context_release(ctx);
    printf("seen=%d %d %d %d\n", seen[0], seen[1], seen[2], seen[3]);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: seen=7 7 7 7
// EXPECT-NOT: WARNING
