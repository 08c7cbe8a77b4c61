/* Two mistakes at a barrier's init. A count of 0 (computed, here from an
 * empty worker list): glibc refuses it (EINVAL), which the program does
 * not check, and the barrier stays uninitialised. A global barrier
 * initialised a second time (a setup function called twice) without a
 * destroy in between: undefined (POSIX), reported with where it was
 * created. The second init is checked again from a loop: one report. */
#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t start_line;
static pthread_barrier_t empty;

static void setup(void)
{
    pthread_barrier_init(&start_line, NULL, 1); // LINE:init
}

int main(void)
{
    unsigned workers = 0;
    int r = pthread_barrier_init(&empty, NULL, workers); // LINE:zero
    printf("count 0: %d\n", r);
    setup();
    for (int i = 0; i < 3; i++)
        setup();
    pthread_barrier_wait(&start_line);
    pthread_barrier_destroy(&start_line);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: count 0: 22
// EXPECT: WARNING: MISUSE OF BARRIER
// EXPECT: pthread_barrier_init of barrier {{ADDR}} with count 0 by goroutine 1 (it failed: nothing was initialised):
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:zero}} {{OFF}}
// EXPECT: WARNING: MISUSE OF BARRIER
// EXPECT: pthread_barrier_init of barrier {{ADDR}} by goroutine 1, initialised already and not destroyed:
// EXPECT:   setup()
// EXPECT:       {{FILE}}:{{LINE:init}} {{OFF}}
// EXPECT:   main()
// EXPECT: Barrier {{ADDR}} created at:
// EXPECT:   setup()
// EXPECT:       {{FILE}}:{{LINE:init}} {{OFF}}
// EXPECT-COUNT: 2 WARNING: MISUSE OF BARRIER
// EXPECT-NOT: DATA RACE
