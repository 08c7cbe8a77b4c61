/* A signal handler that returns with errno changed: the code it
 * interrupted may be about to read errno (a failed call's), and reads the
 * handler's instead. spoiler() calls close(-1), which fails with EBADF,
 * and returns; careful() does the same but puts errno back first, and is
 * not reported. The report names the handler, the signal, both values,
 * where the handler was called (the raise) and where it was installed;
 * once per handler, though it spoils errno twice. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

/* The report shows the handler's first line: its opening brace (clang)
 * or its name (gcc), here one line. */
static void spoiler(int sig) { // LINE:spoiler
    (void)sig;
    close(-1);
}

static void careful(int sig)
{
    (void)sig;
    int saved = errno;
    close(-1);
    errno = saved;
}

int main(void)
{
    struct sigaction act = {.sa_handler = spoiler};
    sigemptyset(&act.sa_mask);
    sigaction(SIGUSR1, &act, NULL); // LINE:install
    signal(SIGUSR2, careful);
    for (int i = 0; i < 2; i++) {
        errno = 0;
        raise(SIGUSR1); // LINE:raise
        errno = 0;
        raise(SIGUSR2);
    }
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: MISUSE OF SIGNAL HANDLER
// EXPECT: Signal handler {{ADDR}} for SIGUSR1 (signal 10) returned with errno changed (0 -> 9) in goroutine 1, where the code it interrupted may read errno next:
// EXPECT:   spoiler()
// EXPECT:       {{FILE}}:{{LINE:spoiler}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:raise}} {{OFF}}
// EXPECT:
// EXPECT: Signal handler {{ADDR}} installed at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:install}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 misuse(s)
// EXPECT-COUNT: 1 WARNING: MISUSE
// EXPECT-NOT: careful
