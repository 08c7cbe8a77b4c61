// The race-free twin of race_cpp_thread_heap.cpp: the threads update the
// object under a std::mutex, and objects made and deleted by one thread
// are reused by the next (new after delete, memory handed on by join).
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

struct Account {
    long balance = 0;
    std::mutex mu;
};

int main()
{
    Account *a = new Account;
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; i++)
        ts.emplace_back([a] {
            for (int k = 0; k < 1000; k++) {
                std::lock_guard<std::mutex> g(a->mu);
                a->balance++;
            }
            long *scratch = new long[16];
            scratch[3] = 1;
            delete[] scratch;
        });
    for (auto &t : ts)
        t.join();
    std::printf("balance=%ld\n", a->balance);
    delete a;
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: balance=4000
// EXPECT-NOT: WARNING
