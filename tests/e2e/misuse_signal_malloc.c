/* Allocation inside a signal handler: malloc and free are not
 * async-signal-safe (a signal that lands while the interrupted code is
 * inside the allocator deadlocks on its lock or corrupts the heap). One
 * report per handler, at its first such call, with the handler's frame on
 * top of the stack it interrupted. A handler that leaves by siglongjmp is
 * no longer running: main's allocations after the jump are not reported,
 * nor are the ones before any signal. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static sigjmp_buf env;
static char *volatile block; /* kept from the optimiser */

static void allocating(int sig)
{
    (void)sig;
    block = malloc(32); // LINE:malloc
    block[0] = 1;
    free(block);
}

static void jumping(int sig)
{
    (void)sig;
    siglongjmp(env, 1);
}

int main(void)
{
    block = malloc(8);
    char *before = block;
    signal(SIGUSR1, allocating); // LINE:install
    signal(SIGUSR2, jumping);
    raise(SIGUSR1); // LINE:raise
    raise(SIGUSR1);
    if (sigsetjmp(env, 1) == 0)
        raise(SIGUSR2);
    block = malloc(8);
    free(block);
    free(before);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: MISUSE OF SIGNAL HANDLER
// EXPECT: malloc in the signal handler {{ADDR}} for SIGUSR1 (signal 10) by goroutine 1: not async-signal-safe (a signal that lands inside the allocator deadlocks on its lock or corrupts the heap):
// EXPECT:   allocating()
// EXPECT:       {{FILE}}:{{LINE:malloc}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:raise}} {{OFF}}
// EXPECT:
// EXPECT: Signal handler {{ADDR}} installed at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:install}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 misuse(s)
// EXPECT-COUNT: 1 WARNING: MISUSE
