/* Data written before sigaction() installs a handler, read by that handler
 * when a timer's SIGALRM (no sender crace sees) is delivered to another,
 * already running thread. The handler cannot run before it is installed:
 * the write happens before the read (installing releases, the handler's
 * delivery acquires). race_handler_before_setup is the twin. */
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
    seen = setting;
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
    pthread_create(&t, NULL, receiver, NULL); /* running before the write */
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    setting = 42;
    struct sigaction act = {0};
    act.sa_handler = on_alarm;
    sigaction(SIGALRM, &act, NULL);
    struct itimerval tv = {{0, 0}, {0, 20 * 1000}};
    setitimer(ITIMER_REAL, &tv, NULL);
    pthread_join(t, NULL);
    printf("handler saw %d\n", (int)seen);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: handler saw 42
// EXPECT-NOT: WARNING
