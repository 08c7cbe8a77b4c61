/* One thread writes a global, a later thread reads it with no
 * synchronisation in between: "Read at" against "Previous write at". */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int shared;

static void *writer(void *arg)
{
    (void)arg;
    shared = 7; // LINE:write
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    return (void *)(long)shared; // LINE:read
}

int main(void)
{
    pthread_t a, b;
    void *got;
    pthread_create(&a, NULL, writer, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, reader, NULL); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, &got);
    printf("read=%ld\n", (long)got);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: read=7
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Location is global 'shared' of size 4 at {{ADDR}} (race_read_write+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
