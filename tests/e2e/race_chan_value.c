/* The values a channel operation copies are the program's memory:
 * chan_send(c, &x) reads x, chan_recv(c, &x) writes it, as Go's `c <- x`
 * and `x = <-c` do (libgochan copies through the pointer, out of sight
 * of the instrumentation: these races went unreported). Here a tuner
 * goroutine writes the setting main then sends straight from its
 * variable, and reads the status main then receives straight into its
 * variable; a select's send and receive cases do the same with two
 * more variables. Nothing orders the tuner's accesses with main's (the
 * relaxed counter only times them): four races, in this order. */
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

static int setting, status, limit, mode;
static atomic_int step; /* relaxed: orders the run, no happens-before */

static void wait_step(int n)
{
    while (atomic_load_explicit(&step, memory_order_relaxed) < n)
        usleep(1000);
}

static void tuner(void *arg)
{
    (void)arg;
    setting = 7; // LINE:tune
    printf("status %d\n", status); // LINE:peek
    limit = 3; // LINE:limit
    printf("mode %d\n", mode); // LINE:mode_peek
    atomic_store_explicit(&step, 1, memory_order_relaxed);
}

int main(void)
{
    chan_t *updates = chan_make(sizeof(int), 4);
    chan_t *reports = chan_make(sizeof(int), 4);
    int ready = 1;
    chan_send(reports, &ready);
    chan_send(reports, &ready);
    go(tuner, NULL);
    wait_step(1);
    chan_send(updates, &setting); // LINE:send
    chan_recv(reports, &status); // LINE:recv
    chan_case send_case[] = {CHAN_SEND_CASE(updates, &limit)};
    chan_select(send_case, 1, false); // LINE:select_send
    chan_case recv_case[] = {CHAN_RECV_CASE(reports, &mode)};
    chan_select(recv_case, 1, false); // LINE:select_recv
    printf("sent and received\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: sent and received
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   tuner()
// EXPECT:       {{FILE}}:{{LINE:tune}} {{OFF}}
// EXPECT: Location is global 'setting' of size 4 at {{ADDR}} (race_chan_value+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:recv}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   tuner()
// EXPECT:       {{FILE}}:{{LINE:peek}} {{OFF}}
// EXPECT: Location is global 'status' of size 4 at {{ADDR}} (race_chan_value+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:select_send}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   tuner()
// EXPECT:       {{FILE}}:{{LINE:limit}} {{OFF}}
// EXPECT: Location is global 'limit' of size 4 at {{ADDR}} (race_chan_value+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:select_recv}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   tuner()
// EXPECT:       {{FILE}}:{{LINE:mode_peek}} {{OFF}}
// EXPECT: Location is global 'mode' of size 4 at {{ADDR}} (race_chan_value+{{ADDR}})
// EXPECT: Found 4 data race(s)
