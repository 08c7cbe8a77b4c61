/* Both threads leave instrumented frames by longjmp, siglongjmp, and
 * siglongjmp out of a SIGSEGV handler (a probe of memory that faults),
 * many times before they race: the frames a jump leaves get no
 * __tsan_func_exit, and must not stay on the stacks crace keeps, or the
 * report's stacks would be full of stale jump_down() frames, for the
 * current access (the shadow stack) and for the previous one (replayed
 * from the history). The worker waits for main's write through a relaxed
 * atomic, which orders the two writes in time and creates no
 * happens-before (a sleep did not, on a busy machine). */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

enum how { LONGJMP, SIGLONGJMP, FAULT };

static jmp_buf env;
static sigjmp_buf sigenv;
int shared;
static atomic_int main_stored;

static void on_fault(int sig)
{
    (void)sig;
    siglongjmp(sigenv, 1);
}

__attribute__((noinline)) static int jump_down(int depth, enum how how)
{
    if (depth == 0) {
        if (how == FAULT)
            return *(volatile int *)16;
        if (how == SIGLONGJMP)
            siglongjmp(sigenv, 1);
        longjmp(env, 1);
    }
    return jump_down(depth - 1, how) + 1;
}

__attribute__((noinline)) static int jump_around(enum how how)
{
    int jumps = 0;
    for (int i = 0; i < 1000; i++) {
        if (how == LONGJMP ? !setjmp(env) : !sigsetjmp(sigenv, 1))
            jump_down(i % 8, how);
        else
            jumps++;
    }
    return jumps;
}

__attribute__((noinline)) static void store(int v)
{
    shared = v; // LINE:store
}

static void *worker(void *arg)
{
    (void)arg;
    int jumps = jump_around(LONGJMP);
    while (!atomic_load_explicit(&main_stored, memory_order_relaxed))
        usleep(1000);
    store(jumps); // LINE:worker_store
    return NULL;
}

int main(void)
{
    struct sigaction sa = {.sa_handler = on_fault};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    store(jump_around(SIGLONGJMP) + jump_around(FAULT)); // LINE:main_store
    atomic_store_explicit(&main_stored, 1, memory_order_relaxed);
    pthread_join(t, NULL);
    printf("shared=%d\n", shared);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: shared=1000
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 2:
// EXPECT:   store()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker_store}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   store()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main_store}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'shared' of size 4 at {{ADDR}} (race_longjmp_frames+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT-COUNT: 1 WARNING: DATA RACE
