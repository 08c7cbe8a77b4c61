/* One thread reads a global, a later thread writes it with no
 * synchronisation in between: "Write at" against "Previous read at". */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int shared = 5;

static void *reader(void *arg)
{
    (void)arg;
    return (void *)(long)shared; // LINE:read
}

static void *writer(void *arg)
{
    (void)arg;
    shared = 9; // LINE:write
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    void *got;
    pthread_create(&a, NULL, reader, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, writer, NULL); // LINE:create_b
    pthread_join(a, &got);
    pthread_join(b, NULL);
    printf("read=%ld now=%d\n", (long)got, shared);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: read=5 now=9
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Location is global 'shared' of size 4 at {{ADDR}} (race_write_after_read+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
