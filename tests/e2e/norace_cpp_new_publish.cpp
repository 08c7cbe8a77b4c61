// The twin of race_cpp_new_publish.cpp: the pointer to the object made by
// new goes to the thread through a release store and an acquire load, so
// the making happens before the thread's write.
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
    while (!(j = published.load(std::memory_order_acquire)))
        ;
    j->state = 2;
    return nullptr;
}

int main()
{
    pthread_t th;
    pthread_create(&th, nullptr, worker, nullptr);
    Job *j = new Job;
    published.store(j, std::memory_order_release);
    pthread_join(th, nullptr);
    std::printf("state=%d\n", j->state);
    delete j;
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: state=2
// EXPECT-NOT: WARNING
