/* A sloppy thread sets a value under the mutex, then again after
 * unlocking; a careful thread later reads it under the mutex. The lock
 * orders only what came before the unlock: the read races with the
 * unlocked write. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int shared;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *sloppy(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    shared = 1;
    pthread_mutex_unlock(&mu);
    shared = 2; // LINE:unlocked
    return NULL;
}

static void *careful(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    int v = shared; // LINE:locked
    pthread_mutex_unlock(&mu);
    return (void *)(long)v;
}

int main(void)
{
    pthread_t a, b;
    void *got;
    pthread_create(&a, NULL, sloppy, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, careful, NULL); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, &got);
    printf("read=%ld\n", (long)got);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: read=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   careful()
// EXPECT:       {{FILE}}:{{LINE:locked}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   sloppy()
// EXPECT:       {{FILE}}:{{LINE:unlocked}} {{OFF}}
// EXPECT: Location is global 'shared' of size 4 at {{ADDR}} (race_after_unlock+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
