/* The twin of norace_handler_after_setup: the data is written after the
 * handler is installed, and nothing orders that write before the
 * handler's read (a timer sends the signal, not a call crace sees). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

int setting;
static volatile sig_atomic_t seen = -1;

static void on_alarm(int sig)
{
    (void)sig;
    seen = setting; // LINE:read
}

static void *receiver(void *arg)
{
    (void)arg;
    while (seen < 0)
        usleep(1000); /* SIGALRM lands here: main blocks it */
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, receiver, NULL); // LINE:create
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    struct sigaction act = {0};
    act.sa_handler = on_alarm;
    sigaction(SIGALRM, &act, NULL);
    setting = 42; // LINE:write
    struct itimerval tv = {{0, 0}, {0, 100 * 1000}};
    setitimer(ITIMER_REAL, &tv, NULL);
    pthread_join(t, NULL);
    printf("handler saw %d\n", (int)seen);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: handler saw 42
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   on_alarm()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Location is global 'setting' of size 4 at {{ADDR}} (race_handler_before_setup+{{ADDR}})
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
