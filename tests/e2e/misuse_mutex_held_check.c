/* __tsan_check_no_mutexes_held: the program asserts its thread holds no
 * lock (at a point where taking one could deadlock: a callback, a signal
 * handler). Held, it is a misuse, with the lock's stack; not held, silent. */
#include <pthread.h>
#include <stdio.h>

void __tsan_check_no_mutexes_held(void);

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void callback(void)
{
    __tsan_check_no_mutexes_held(); // LINE:check
}

int main(void)
{
    callback(); /* none held: silent */
    pthread_mutex_lock(&mu); // LINE:lock
    callback();
    pthread_mutex_unlock(&mu);
    callback(); /* none held again */
    puts("done");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: ==================
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: __tsan_check_no_mutexes_held by goroutine 1, which holds mutex {{ADDR}}:
// EXPECT:   callback()
// EXPECT:       {{FILE}}:{{LINE:check}} {{OFF}}
// EXPECT: Mutex {{ADDR}} is held by goroutine 1, locked at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT: ==================
// EXPECT-COUNT: 1 WARNING: MISUSE
