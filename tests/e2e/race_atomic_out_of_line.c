/* The other direction of norace_atomic_out_of_line: plain accesses that
 * race with atomics the compilers leave to libatomic. The reader loads a
 * 24-byte _Atomic struct (__atomic_load, both compilers) while the writer
 * resets it with a plain memset through a pointer of another type; and
 * the writer bumps a 16-byte counter atomically (clang:
 * __atomic_fetch_add_16) that the reader then reads plainly. Each pair is
 * unordered: two races, in the order the program makes them. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct config {
    long version;
    long size;
    long flags;
};
static _Atomic struct config current;
static unsigned __int128 hits;

static void *reader(void *arg)
{
    (void)arg;
    struct config c = atomic_load_explicit(&current, memory_order_acquire); // LINE:load
    return (void *)c.version;
}

static void *writer(void *arg)
{
    (void)arg;
    memset((void *)&current, 0, sizeof(struct config)); // LINE:reset
    __atomic_fetch_add(&hits, 1, __ATOMIC_RELAXED); // LINE:bump
    return NULL;
}

int main(void)
{
    pthread_t r, w;
    pthread_create(&r, NULL, reader, NULL);
    usleep(100 * 1000);
    pthread_create(&w, NULL, writer, NULL);
    pthread_join(r, NULL);
    usleep(100 * 1000);
    unsigned long seen = (unsigned long)hits; // LINE:plain
    pthread_join(w, NULL);
    printf("hits %lu\n", seen);
    return 0;
}

// LIBS: -latomic
// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:reset}} {{OFF}}
// EXPECT: Previous atomic read at {{ADDR}} by goroutine 2:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:load}} {{OFF}}
// EXPECT: Location is global 'current' of size 24 at {{ADDR}} (race_atomic_out_of_line+{{ADDR}})
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:plain}} {{OFF}}
// EXPECT: Previous atomic write at {{ADDR}} by goroutine 3:
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:bump}} {{OFF}}
// EXPECT: Location is global 'hits' of size 16 at {{ADDR}} (race_atomic_out_of_line+{{ADDR}})
// EXPECT-COUNT: 2 WARNING: DATA RACE
