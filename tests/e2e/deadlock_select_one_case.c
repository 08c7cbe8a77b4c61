/* A select with one case on a real channel waits as the plain operation
 * would: Go's compiler turns it into that operation, and Go's dump names
 * the wait "chan receive" or "chan send", not "select". A select with
 * two cases stays "select". The goroutines are numbered as without the
 * detector, and as in Go, although a timer was made first: libgochan's
 * timer thread is no goroutine of the program (the worker says which
 * number it has). */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static chan_t *jobs, *results;

static void worker(void *arg)
{
    (void)arg;
    printf("worker is goroutine %llu\n", (unsigned long long)gochan_goroutine_id());
    fflush(stdout);
    int v = 1;
    chan_case cases[] = {CHAN_SEND_CASE(results, &v)};
    chan_select(cases, 1, false); // LINE:send
}

static void waiter(void *arg)
{
    (void)arg;
    int v;
    chan_case cases[] = {CHAN_RECV_CASE(jobs, &v), CHAN_RECV_CASE(jobs, &v)};
    chan_select(cases, 2, false); // LINE:two
}

int main(void)
{
    chan_recv(chan_after(1000 * 1000), NULL); /* a timer, fired and gone */
    jobs = chan_make(sizeof(int), 0);
    results = chan_make(sizeof(int), 0);
    go(worker, NULL); // LINE:go
    go(waiter, NULL);
    usleep(50 * 1000);
    int v;
    chan_case cases[] = {CHAN_RECV_CASE(jobs, &v)};
    chan_select(cases, 1, false); // LINE:recv
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: worker is goroutine 2
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT: goroutine 1 [chan receive]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:recv}} {{OFF}}
// EXPECT: goroutine 2 [chan send]:
// EXPECT: worker()
// EXPECT: 	{{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: created by goroutine 1 at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: goroutine 3 [select]:
// EXPECT: waiter()
// EXPECT: 	{{FILE}}:{{LINE:two}} {{OFF}}
