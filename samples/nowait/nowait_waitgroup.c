/*
 * nowait, fixed: main waits for its goroutines with a WaitGroup before it
 * returns.
 *
 * waitgroup_add before each go(), waitgroup_done when a goroutine has
 * finished, waitgroup_wait before main returns: every record is saved
 * before the process exits, and nothing is left running, so crace is
 * silent even with CRACE_OPTIONS=leak_check=running.
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

#define N_RECORDS 2

static waitgroup_t wg = WAITGROUP_INIT;

static void save_record(void *arg)
{
    int *id = arg;
    usleep(200 * 1000); /* simulated I/O */
    printf("record %d saved\n", *id);
    waitgroup_done(&wg);
}

int main(void)
{
    static int ids[N_RECORDS] = {1, 2};
    for (int i = 0; i < N_RECORDS; i++) {
        waitgroup_add(&wg, 1);
        go(save_record, &ids[i]);
    }
    waitgroup_wait(&wg);
    printf("main: done\n");
    return 0;
}

// ENV: CRACE_OPTIONS=leak_check=running
// EXPECT-EXIT: 0
// EXPECT-COUNT: 1 record 1 saved
// EXPECT-COUNT: 1 record 2 saved
// EXPECT: main: done
// EXPECT-NOT: WARNING
