// C++: two std::threads update an object made by new, without a lock.
// The stacks begin at the thread bodies (named as C++ spells them, by
// the function and class they are in) and at the new expression: the
// frames of libstdc++ itself (std::thread's start routine, operator new)
// are left out, as libc's thread start and malloc are, and so are the
// std::thread and std::invoke templates that only forward to the body.
// The sleep orders the two writes in time (it creates no happens-before).
#include <chrono>
#include <cstdio>
#include <thread>

struct Account {
    long balance = 0;
};

int main()
{
    Account *a = new Account; // LINE:new
    std::thread t1([a] { a->balance = 10; });  // LINE:t1
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::thread t2([a] { a->balance = 20; });  // LINE:t2
    t1.join();
    t2.join();
    std::printf("balance=%ld\n", a->balance);
    delete a;
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: balance=20
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   main::{lambda}::operator()()
// EXPECT:       {{FILE}}:{{LINE:t2}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   main::{lambda}::operator()()
// EXPECT:       {{FILE}}:{{LINE:t1}} {{OFF}}
// EXPECT:
// EXPECT: Location is heap block of size 8 at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:new}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:t2}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:t1}} {{OFF}}
// EXPECT: ==================
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: _Znwm
// EXPECT-NOT: ??()
// EXPECT-NOT: libstdc++
// EXPECT-NOT: invoke
// EXPECT-NOT: std_thread.h
