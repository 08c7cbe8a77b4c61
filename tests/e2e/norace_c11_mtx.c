/* The mutex counter with C11 threads: mtx_lock/mtx_unlock order the
 * increments, thrd_join orders them before main's read. */
#include <stdio.h>
#include <threads.h>

#define THREADS 4

static mtx_t mu;
int counter;

static int worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        mtx_lock(&mu);
        counter++;
        mtx_unlock(&mu);
    }
    return 0;
}

int main(void)
{
    thrd_t t[THREADS];
    mtx_init(&mu, mtx_plain);
    for (int i = 0; i < THREADS; i++)
        thrd_create(&t[i], worker, NULL);
    for (int i = 0; i < THREADS; i++)
        thrd_join(t[i], NULL);
    mtx_destroy(&mu);
    printf("counter=%d\n", counter);
    return counter == 4000 ? 0 : 1;
}

// EXPECT-EXIT: 0
// EXPECT: counter=4000
// EXPECT-NOT: WARNING
