/*
 * nowait, buggy: main starts goroutines to save some records and returns
 * without waiting for them.
 *
 * The bug: when main returns the process exits, and goroutines still
 * running are killed wherever they are (Go does the same): here no
 * record is saved, and the program says nothing about it. By default
 * crace reports only goroutines blocked forever at exit; with
 * CRACE_OPTIONS=leak_check=running it also reports every goroutine still
 * alive, which is how this bug shows.
 *
 * The fix (nowait_waitgroup.c): main waits for the goroutines with a
 * WaitGroup before it returns.
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

#define N_RECORDS 2

static void save_record(void *arg)
{
    int *id = arg;
    usleep(2000 * 1000); /* simulated I/O, slow */
    printf("record %d saved\n", *id);
}

int main(void)
{
    static int ids[N_RECORDS] = {1, 2};
    go(save_record, &ids[0]); // LINE:go1
    go(save_record, &ids[1]); // LINE:go2
    printf("main: done\n");
    return 0;
}

// ENV: CRACE_OPTIONS=leak_check=running
// EXPECT-EXIT: 66
// EXPECT: main: done
// EXPECT: ==================
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 2 still running at exit
// EXPECT:
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go1}} {{OFF}}
// EXPECT: ==================
// EXPECT: ==================
// EXPECT: WARNING: GOROUTINE LEAK
// EXPECT: Goroutine 3 still running at exit
// EXPECT:
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go2}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 2 goroutine leak(s)
// EXPECT-NOT: saved
