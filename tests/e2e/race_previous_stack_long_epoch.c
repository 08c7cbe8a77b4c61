/* The racing write comes first in a long epoch: the writer then makes
 * about 10,000 calls (two history events each) without releasing
 * anything, so its epoch spans several parts of its history ring (8 of
 * 4,096 words by default), and the reader's report must restore the
 * write's stack from the part where the epoch began. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static long shared;
static volatile long sink;

static __attribute__((noinline)) void step(long i)
{
    sink += i;
}

static __attribute__((noinline)) void publish(void)
{
    shared = 42; // LINE:write
}

static void *writer(void *arg)
{
    (void)arg;
    publish(); // LINE:publish
    for (long i = 0; i < 10000; i++)
        step(i);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    usleep(200 * 1000);
    long v = shared; // LINE:read
    pthread_join(t, NULL);
    printf("%ld\n", v);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 42
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   publish()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:publish}} {{OFF}}
// EXPECT-NOT: failed to restore
