// C++: main makes an object with new and hands the pointer to a thread
// through a relaxed atomic, which orders nothing: the thread's write to
// the object races with its making (new counts as a write by the thread
// that allocates, as malloc does). The twin, norace_cpp_new_publish.cpp,
// publishes with release and acquire.
#include <atomic>
#include <cstdio>
#include <pthread.h>

struct Job {
    int state;
};

static std::atomic<Job *> published{nullptr};

static void *worker(void *)
{
    Job *j;
    while (!(j = published.load(std::memory_order_relaxed)))
        ;
    j->state = 2; // LINE:write
    return nullptr;
}

int main()
{
    pthread_t th;
    pthread_create(&th, nullptr, worker, nullptr);
    Job *j = new Job; // LINE:new
    published.store(j, std::memory_order_relaxed);
    pthread_join(th, nullptr);
    std::printf("state=%d\n", j->state);
    delete j;
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: state=2
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:new}} {{OFF}}
// EXPECT: Location is heap block of size 4 at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:new}} {{OFF}}
