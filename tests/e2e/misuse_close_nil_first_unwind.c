/* A panic that is the process's first stack to unwind: close of a nil
 * channel in main, before any goroutine, lock or report. libunwind sets
 * itself up on that first unwind and initialises a mutex of its own
 * meanwhile, holding its own lock; the shim must pass that call through
 * rather than unwind again (the process hung there, unkillable but by
 * SIGKILL: libunwind blocks signals while it holds the lock). */
#include <stddef.h>

#include <gochan.h>

int main(void)
{
    chan_close(NULL); // LINE:close
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: panic: close of nil channel
// EXPECT:
// EXPECT: goroutine 1 [running]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:close}} {{OFF}}
// EXPECT-NOT: WARNING
