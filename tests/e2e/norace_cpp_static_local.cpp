// Function-local statics: the first caller runs the initialiser under the
// C++ ABI's guard (__cxa_guard_acquire/release, in uninstrumented
// libstdc++), and every other thread's first use happens after it. Threads
// started together race to initialise two statics, one of them built on
// the other, then read what the constructors wrote.
#include <pthread.h>
#include <cstdio>
#include <unistd.h>

struct Config {
    int retries;
    long *limits;
    Config() : retries(3), limits(new long[4]{10, 20, 30, 40}) {}
};

static Config &config()
{
    static Config c;
    return c;
}

struct Table {
    long total;
    Table() : total(0)
    {
        for (int i = 0; i < 4; i++)
            total += config().limits[i];
    }
};

static const Table &table()
{
    static Table t;
    return t;
}

static pthread_barrier_t start;

static void *worker(void *arg)
{
    pthread_barrier_wait(&start); // all at once: several first callers
    long slot = (long)arg;
    if (slot % 2)
        usleep(1000); // and some later ones
    return (void *)(table().total + config().retries + config().limits[slot % 4]);
}

int main()
{
    enum { N = 8 };
    pthread_t th[N];
    pthread_barrier_init(&start, nullptr, N);
    for (long i = 0; i < N; i++)
        pthread_create(&th[i], nullptr, worker, (void *)i);
    long sum = 0;
    for (int i = 0; i < N; i++) {
        void *r;
        pthread_join(th[i], &r);
        sum += (long)r;
    }
    std::printf("sum=%ld\n", sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum=1024
// EXPECT-NOT: WARNING
