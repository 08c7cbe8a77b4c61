// C++: frames name a function as C++ spells it, with the namespaces and
// classes it is declared in: two Ledger objects' methods (one in a
// namespace, called from a function in an anonymous namespace, one
// through a template) set one total without a lock. A bare "post()"
// would not say which class's post it was. The sleep orders the two
// updates in time (it creates no happens-before).
#include <cstdio>
#include <pthread.h>
#include <unistd.h>

long total;

namespace bank {
struct Ledger {
    void post(long amount) { total = amount; } // LINE:post
    static void *run(void *arg)
    {
        static_cast<Ledger *>(arg)->post(1); // LINE:run
        return nullptr;
    }
};
} // namespace bank

namespace {
template <typename T> void settle(T *ledger)
{
    ledger->post(2); // LINE:settle
}
} // namespace

int main()
{
    bank::Ledger ledger;
    pthread_t th;
    pthread_create(&th, nullptr, bank::Ledger::run, &ledger); // LINE:create
    usleep(100 * 1000);
    settle(&ledger); // LINE:main
    pthread_join(th, nullptr);
    std::printf("total=%ld\n", total);
    return 0;
}

// CFLAGS: -O0
// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   bank::Ledger::post()
// EXPECT:       {{FILE}}:{{LINE:post}} {{OFF}}
// EXPECT:   (anonymous namespace)::settle<bank::Ledger>()
// EXPECT:       {{FILE}}:{{LINE:settle}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   bank::Ledger::post()
// EXPECT:       {{FILE}}:{{LINE:post}} {{OFF}}
// EXPECT:   bank::Ledger::run()
// EXPECT:       {{FILE}}:{{LINE:run}} {{OFF}}
// EXPECT:
// EXPECT: Found 1 data race(s)
