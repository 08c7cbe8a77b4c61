/* Handles that name no thread. A pool whose cleanup joins every slot,
 * though the last worker was never started (its slot still holds the
 * zero calloc left): glibc's join fails (ESRCH), which the cleanup does
 * not check. Then a handle that is off by a few bytes (a corrupted one),
 * detached: glibc reads and writes through it, and reports nothing. */
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

struct worker {
    pthread_t th;
    int id;
};

static void *work(void *arg)
{
    return arg;
}

static void pool_stop(struct worker *w, int n)
{
    for (int i = 0; i < n; i++)
        pthread_join(w[i].th, NULL); // LINE:join
}

int main(void)
{
    struct worker *w = calloc(4, sizeof(*w));
    for (int i = 0; i < 3; i++)
        pthread_create(&w[i].th, NULL, work, &w[i]);
    pool_stop(w, 4);
    pthread_t bad = (pthread_t)((uintptr_t)w[0].th + 8);
    pthread_detach(bad); // LINE:detach
    free(w);
    printf("stopped\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: stopped
// EXPECT: WARNING: MISUSE OF THREAD
// EXPECT: pthread_join of thread 0x000000000000 by goroutine 1: the handle names no thread (never set, or corrupted):
// EXPECT:   pool_stop()
// EXPECT:       {{FILE}}:{{LINE:join}} {{OFF}}
// EXPECT:   main()
// EXPECT: WARNING: MISUSE OF THREAD
// EXPECT: pthread_detach of thread {{ADDR}} by goroutine 1: the handle names no thread (never set, or corrupted):
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:detach}} {{OFF}}
// EXPECT-COUNT: 2 WARNING: MISUSE OF THREAD
