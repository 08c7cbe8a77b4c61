/* A signal that lands inside the function entry or exit check. The main
 * thread calls a small function millions of times (an entry and an exit
 * event in its history each) while a 20 µs interval timer interrupts it;
 * the handler recurses 700 calls deep, more events than a part of the
 * smallest history holds, so its events start new parts and new laps of
 * the ring. Run between the entry check's read of the history position
 * and its store of the next one, the handler's events would be written
 * over and the interrupted event stored before the ring (the lap base had
 * moved): the process crashed within a few million calls. The detector
 * must hold such a signal until the check is done, and stay silent. */
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

enum { CALLS = 5000000, HANDLER_DEPTH = 700 };

static volatile unsigned long sink;
static volatile sig_atomic_t handled;

__attribute__((noinline)) static unsigned long deep(int n)
{
    if (n == 0)
        return sink;
    unsigned long r = deep(n - 1) + 1;
    sink = r;
    return r;
}

static void on_alarm(int sig)
{
    (void)sig;
    deep(HANDLER_DEPTH);
    handled = handled + 1;
}

__attribute__((noinline)) static void leaf(unsigned long i)
{
    sink = i;
}

int main(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every = {{0, 20}, {0, 20}}, stop = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &every, NULL);
    for (unsigned long i = 0; i < CALLS; i++)
        leaf(i);
    setitimer(ITIMER_REAL, &stop, NULL);
    printf("calls: %d, handled: %s\n", CALLS, handled > 0 ? "some" : "none");
    return 0;
}

// ENV: CRACE_OPTIONS=history_size=0
// EXPECT-EXIT: 0
// EXPECT: calls: 5000000, handled: some
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
