/* ThreadSanitizer's test suite orders its threads with a barrier the
 * detector must not see (test.h: __tsan_testonly_barrier_init/wait): the
 * write happens before the read in time, but nothing orders them for the
 * memory model, so they race. crace gives that barrier to such tests, and
 * does not take it for synchronisation. */
#include <pthread.h>
#include <stdio.h>

void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count);
void __tsan_testonly_barrier_wait(unsigned *barrier);

static unsigned barrier;
static int shared;

static void *writer(void *arg)
{
    (void)arg;
    shared = 42; // LINE:write
    __tsan_testonly_barrier_wait(&barrier);
    return NULL;
}

int main(void)
{
    __tsan_testonly_barrier_init(&barrier, 2);
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL); // LINE:create
    __tsan_testonly_barrier_wait(&barrier);
    printf("read %d\n", shared); // LINE:read
    pthread_join(t, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: read 42
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Location is global 'shared' of size {{NUM}} at {{ADDR}} (race_invisible_barrier+{{ADDR}})
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
