/* A thread reads a buffer byte by byte; a later thread memcpy's into it.
 * memcpy stays a libc call (the length is not a constant), so only the
 * interceptor sees the write; its frame is the caller's line. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char buf[64];

static void *reader(void *arg)
{
    size_t n = (size_t)arg;
    int sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += buf[i]; // LINE:read
    return (void *)(long)sum;
}

static void *writer(void *arg)
{
    size_t n = (size_t)arg;
    memcpy(buf, "0123456789abcdefghijklmnopqrstuv", n); // LINE:memcpy
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, reader, (void *)16); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, writer, (void *)32); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("buf=%.32s\n", buf);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: buf=0123456789abcdefghijklmnopqrstuv
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:memcpy}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Location is global 'buf' of size 64 at {{ADDR}} (race_memcpy+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
