/*
 * closing, buggy: a goroutine sends on a channel that has been closed.
 *
 * The bug: main closes `jobs` as soon as it has queued the jobs it
 * planned, but a second producer, started to add a retry, still sends on
 * it. A send on a closed channel panics in Go ("send on closed channel"),
 * and in libgochan, with the sender's stack; the program exits with
 * status 2. Under crace the panic also says where the channel was closed,
 * and, as Go's race detector does, a data race comes first: the send
 * (which reads the channel) and the close (which writes it) are not
 * ordered.
 *
 * The fix: close a channel only when every sender is done with it: here,
 * wait for the producers (the waitgroup_wait) before the close, not
 * after. See also closing_commaok.c.
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static waitgroup_t producers = WAITGROUP_INIT;

static void retry_producer(void *arg)
{
    chan_t *jobs = arg;
    usleep(100 * 1000); /* decides to retry a job, a little later */
    int job = 99;
    chan_send(jobs, &job); // LINE:send
    waitgroup_done(&producers);
}

int main(void)
{
    chan_t *jobs = chan_make(sizeof(int), 10); // LINE:make
    waitgroup_add(&producers, 1);
    go(retry_producer, jobs);
    for (int job = 1; job <= 3; job++)
        chan_send(jobs, &job);
    chan_close(jobs); /* too early: the retry producer still sends */ // LINE:close
    int job;
    while (chan_recv(jobs, &job))
        printf("job %d\n", job);
    waitgroup_wait(&producers); /* before freeing jobs */
    chan_free(jobs);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: job 1
// EXPECT: job 2
// EXPECT: job 3
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   retry_producer()
// EXPECT:       {{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:close}} {{OFF}}
// EXPECT: panic: send on closed channel
// EXPECT:
// EXPECT: goroutine 2 [running]:
// EXPECT: retry_producer()
// EXPECT: 	{{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT:
// EXPECT: channel {{ADDR}} was closed by goroutine 1 at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:close}} {{OFF}}
// EXPECT: channel {{ADDR}} created at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT-NOT: job 99
// EXPECT-COUNT: 1 WARNING: DATA RACE
