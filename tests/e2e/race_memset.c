/* A thread memsets a buffer; a later thread reads it byte by byte. The
 * previous access is the intercepted memset: its stack is restored from
 * the history, starting at the caller's line. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char buf[64];

static void *writer(void *arg)
{
    size_t n = (size_t)arg;
    memset(buf, 'x', n); // LINE:memset
    return NULL;
}

static void *reader(void *arg)
{
    size_t n = (size_t)arg;
    int count = 0;
    for (size_t i = 0; i < n; i++)
        count += buf[i] == 'x'; // LINE:read
    return (void *)(long)count;
}

int main(void)
{
    pthread_t a, b;
    void *got;
    pthread_create(&a, NULL, writer, (void *)40); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, reader, (void *)64); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, &got);
    printf("count=%ld\n", (long)got);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: count=40
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:memset}} {{OFF}}
// EXPECT: Location is global 'buf' of size 64 at {{ADDR}} (race_memset+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
