/* main closes the results channel too early; a worker's send then
 * panics: Go's message, then where the channel was closed and made. The
 * data races found before the panic are summed up before the exit: one on
 * done_flag, and the send against the close (a send reads the channel, a
 * close writes it, as in Go). The worker waits for the close through a
 * relaxed atomic flag: ordered in time, but no happens-before edge, so
 * both races stay. */
#include <unistd.h>

#include <gochan.h>

static chan_t *results;
int done_flag; /* not static: the stores stay */
static int closed;

static void worker(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&closed, __ATOMIC_RELAXED))
        usleep(1000);
    done_flag = 1; // LINE:race
    int v = 42;
    chan_send(results, &v); // LINE:send
}

int main(void)
{
    results = chan_make(sizeof(int), 1); // LINE:make
    go(worker, NULL); // LINE:go
    done_flag = 2;
    chan_close(results); // LINE:close
    __atomic_store_n(&closed, 1, __ATOMIC_RELAXED);
    for (;;)
        usleep(1000 * 1000); /* the worker's panic ends the program */
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:close}} {{OFF}}
// EXPECT: Location is heap block of size {{NUM}} at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT: panic: send on closed channel
// EXPECT:
// EXPECT: goroutine 2 [running]:
// EXPECT: worker()
// EXPECT: 	{{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: created by main in goroutine 1
// EXPECT: 	{{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT:
// EXPECT: channel {{ADDR}} was closed by goroutine 1 at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:close}} {{OFF}}
// EXPECT: channel {{ADDR}} created at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT: Found 2 data race(s)
