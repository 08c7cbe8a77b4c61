/* The racing write is made 1,100 calls deep, deeper than a replay of the
 * history keeps whole (1,024 frames): the report must show the frames
 * innermost first, leaf() called from the recursion's last level, not
 * the frames at the replay's bound. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static long shared;
static volatile long sink;

static __attribute__((noinline)) void leaf(void)
{
    shared = 42; // LINE:write
}

static __attribute__((noinline)) void recurse(int n)
{
    if (n == 0) {
        leaf(); // LINE:leaf
        return;
    }
    recurse(n - 1); // LINE:recurse
    sink += n;      /* not a tail call */
}

static void *writer(void *arg)
{
    (void)arg;
    recurse(1100);
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
// EXPECT:   leaf()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:   recurse()
// EXPECT:       {{FILE}}:{{LINE:leaf}} {{OFF}}
// EXPECT:   recurse()
// EXPECT:       {{FILE}}:{{LINE:recurse}} {{OFF}}
// EXPECT-NOT: failed to restore
