/*
 * waitgroup, fixed: main calls waitgroup_add before starting each
 * goroutine, and the goroutine only calls waitgroup_done.
 *
 * The Add now happens before go(), so before main's waitgroup_wait: the
 * wait cannot see a zero counter while work is outstanding, however late
 * a goroutine starts. Each waitgroup_done happens before the wait
 * returns, so main reads every result the goroutines wrote.
 * (Go: wg.Add(1) before `go`, `defer wg.Done()` inside.)
 */
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

#define N_WORKERS 2

static waitgroup_t wg = WAITGROUP_INIT;
static int results[N_WORKERS];

static void worker(void *arg)
{
    int *index = arg;
    /* A goroutine may start late: it no longer matters. */
    usleep((useconds_t)(100 + *index * 300) * 1000);
    results[*index] = (*index + 1) * 10;
    waitgroup_done(&wg);
}

int main(void)
{
    static int indexes[N_WORKERS];
    for (int i = 0; i < N_WORKERS; i++) {
        indexes[i] = i;
        waitgroup_add(&wg, 1);
        go(worker, &indexes[i]);
    }
    waitgroup_wait(&wg);
    for (int i = 0; i < N_WORKERS; i++)
        printf("result %d: %d\n", i, results[i]);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: result 0: 10
// EXPECT: result 1: 20
// EXPECT-NOT: WARNING
