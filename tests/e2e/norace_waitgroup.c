/* WaitGroup used right: Add before go, Done in the worker. Everything a
 * worker did before Done happens before Wait returns. */
#include <stdio.h>

#include <gochan.h>

#define WORKERS 8

static int results[WORKERS];
static waitgroup_t wg = WAITGROUP_INIT;

static void worker(void *arg)
{
    int i = (int)(long)arg;
    results[i] = i * i;
    waitgroup_done(&wg);
}

int main(void)
{
    for (int round = 0; round < 3; round++) {
        for (long i = 0; i < WORKERS; i++) {
            waitgroup_add(&wg, 1);
            go(worker, (void *)i);
        }
        waitgroup_wait(&wg);
    }
    int sum = 0;
    for (int i = 0; i < WORKERS; i++)
        sum += results[i];
    printf("sum=%d\n", sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=140
// EXPECT-NOT: WARNING
