/* Releasing a context that something else has cancelled already, without
 * ever looking at it: Go's `defer cancel()` after the deadline has passed,
 * or after a watchdog goroutine cancelled. The release frees the done
 * channel, which the timer thread or the watchdog closed; as in Go, where
 * a cancel takes the context's mutex, the first cancellation happens
 * before the release (it was reported as a data race, against a
 * goroutine with no stack). And a cancel that finds the context cancelled
 * already is ordered after that cancellation: the watchdog's write of why
 * is visible to main. The last reference dropped by a goroutine that
 * borrowed it frees the channel too. */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static const char *why;
static waitgroup_t wg = WAITGROUP_INIT;

static void watchdog(void *arg)
{
    why = "too slow";
    context_cancel(arg);
    waitgroup_done(&wg);
}

static void borrower(void *arg)
{
    usleep(100 * 1000); /* the deadline passes meanwhile */
    context_drop(arg);  /* the last reference */
}

int main(void)
{
    /* A deadline nobody waits for. */
    context_t *timed = context_with_timeout(context_background(), 20 * 1000 * 1000);
    usleep(100 * 1000);
    context_release(timed);

    /* Cancelled by a watchdog, released by its owner and its child's. */
    context_t *parent = context_with_cancel(context_background());
    context_t *child = context_with_cancel(parent);
    waitgroup_add(&wg, 1);
    go(watchdog, parent);
    usleep(50 * 1000); /* long after the watchdog: nothing but the cancel orders them */
    context_cancel(parent);
    printf("cancelled: %s\n", why);
    context_release(child);
    context_release(parent);
    waitgroup_wait(&wg);

    /* Released by its owner first, freed by a borrower after its deadline. */
    context_t *lent = context_with_timeout(context_background(), 20 * 1000 * 1000);
    go(borrower, context_retain(lent));
    context_release(lent);
    usleep(300 * 1000);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: cancelled: too slow
// EXPECT: done
// EXPECT-NOT: WARNING
