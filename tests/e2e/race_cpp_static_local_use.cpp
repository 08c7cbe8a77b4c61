// The twin of norace_cpp_static_local.cpp: the static is initialised
// safely, but the threads then update it without a lock. The race is
// between the two updates, not with the constructor (which happens before
// both, through the guard), and the location is named as C++ spells it.
#include <pthread.h>
#include <cstdio>
#include <unistd.h>

struct Counter {
    long hits;
    Counter() : hits(100) {} // LINE:ctor
};

static Counter &counter()
{
    static Counter c;
    return c;
}

static void *first(void *)
{
    counter().hits++; // LINE:first
    return nullptr;
}

static void *second(void *)
{
    usleep(100 * 1000);
    counter().hits = 7; // LINE:second
    return nullptr;
}

int main()
{
    pthread_t a, b;
    pthread_create(&a, nullptr, first, nullptr); // LINE:create_a
    pthread_create(&b, nullptr, second, nullptr); // LINE:create_b
    pthread_join(a, nullptr);
    pthread_join(b, nullptr);
    std::printf("hits=%ld\n", counter().hits);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: hits=7
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   second()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   first()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'counter()::c' of size 8 at {{ADDR}} (race_cpp_static_local_use+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: Counter()
