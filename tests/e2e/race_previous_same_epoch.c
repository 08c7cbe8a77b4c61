/* The previous access named is the one that races. Thread A writes s.a
 * (unprotected), then s.b under a mutex: no release in between, so both
 * writes are of one epoch, and share one record in the shadow. Thread B
 * later writes s.a: the race is with A's write of s.a, not with its
 * later write of s.b (other bytes of the same 8). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct pair {
    int a;
    int b;
};
struct pair s;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *thread_a(void *arg)
{
    (void)arg;
    s.a = 1; // LINE:racy
    pthread_mutex_lock(&m);
    s.b = 2; // LINE:other
    pthread_mutex_unlock(&m);
    return NULL;
}

static void *thread_b(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    s.a = 3; // LINE:write
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, thread_a, NULL); // LINE:create_a
    pthread_create(&b, NULL, thread_b, NULL); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d %d\n", s.a, s.b);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 3 2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   thread_b()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   thread_a()
// EXPECT:       {{FILE}}:{{LINE:racy}} {{OFF}}
// EXPECT: Location is global 's' of size 8 at {{ADDR}} (race_previous_same_epoch+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
