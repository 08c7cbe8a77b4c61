/* A _Thread_local counter and buffer written by every thread (and main)
 * at the same time: each thread has its own copy, so there is no race.
 * A second round of threads reuses the first round's TLS blocks. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 4

_Thread_local int tl_count;
_Thread_local char tl_name[16];

static __attribute__((noinline)) void bump(int n)
{
    for (int i = 0; i < n; i++)
        tl_count++;
    snprintf(tl_name, sizeof(tl_name), "t%d", tl_count);
}

static void *worker(void *arg)
{
    bump((int)(long)arg);
    return (void *)(long)(tl_count + (int)strlen(tl_name));
}

int main(void)
{
    pthread_t t[THREADS];
    long sum = 0;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < THREADS; i++)
            pthread_create(&t[i], NULL, worker, (void *)(long)(100 + i));
        bump(5);
        for (int i = 0; i < THREADS; i++) {
            void *r;
            pthread_join(t[i], &r);
            sum += (long)r;
        }
    }
    printf("sum=%ld main=%d %s\n", sum, tl_count, tl_name);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=844 main=10 t10
// EXPECT-NOT: WARNING
