/* Two owners both close the done channel: Go's "close of closed channel". */
#include <gochan.h>

static chan_t *done;
static waitgroup_t wg = WAITGROUP_INIT;

static void finish(void *arg)
{
    (void)arg;
    chan_close(done);
    waitgroup_done(&wg);
}

int main(void)
{
    done = chan_make(0, 0);
    waitgroup_add(&wg, 1);
    go(finish, NULL);
    waitgroup_wait(&wg);
    chan_close(done);
    return 0;
}
