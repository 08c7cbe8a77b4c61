/* A POSIX timer that sends a signal (SIGEV_SIGNAL): a worker prepares a
 * result, then arms a timer that sends SIGUSR1; main, with SIGUSR1
 * blocked, sigwait()s for it and reads the result. Arming the timer
 * happens before the sigwait that gets its signal, as kill does: silent.
 * (Before timer_settime was intercepted, main's read was reported as
 * racing with the worker's write.) */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static long result;
static timer_t timer;

static void *worker(void *arg)
{
    (void)arg;
    long r = 0;
    for (int i = 1; i <= 100; i++)
        r += i;
    result = r;
    struct itimerspec when = {.it_value = {0, 5 * 1000 * 1000}};
    timer_settime(timer, 0, &when, NULL);
    return NULL;
}

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by the worker */
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0)
        return 2;
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    int sig;
    sigwait(&set, &sig);
    printf("result %ld\n", result);
    pthread_join(t, NULL);
    timer_delete(timer);
    return 0;
}

// LIBS: -lrt
// EXPECT-EXIT: 0
// EXPECT: result 5050
// EXPECT-NOT: WARNING
