/* clang (-O1 and up) merges the stores of an if and its else into one
 * store to a selected address, and gives that store line 0 in the line
 * table: the report showed "file:0". Such code is shown at the line
 * before it (the condition's), as objdump -l and gdb show it. Both
 * branches on one line here, so gcc, which keeps the two stores, gives
 * the same line. */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

int low, high;
volatile int direction = -1; /* unknown to the compiler */
static atomic_int pick_now; /* relaxed: orders the run, no happens-before */

static void *writer(void *arg)
{
    (void)arg;
    low = 1; // LINE:low
    atomic_store_explicit(&pick_now, 1, memory_order_relaxed);
    return NULL;
}

__attribute__((noinline)) static void pick(void)
{
    if (direction > 0) high = 3; else low = 3; // LINE:pick
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    while (!atomic_load_explicit(&pick_now, memory_order_relaxed))
        usleep(1000);
    pick(); // LINE:call
    pthread_join(t, NULL);
    return 0;
}

// CFLAGS: -O1
// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   pick()
// EXPECT:       {{FILE}}:{{LINE:pick}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:call}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:low}} {{OFF}}
// EXPECT-NOT: :0 +0x
