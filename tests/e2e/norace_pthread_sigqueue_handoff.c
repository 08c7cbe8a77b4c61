/* A request handed to a thread with pthread_sigqueue (glibc's
 * thread-directed sigqueue, with a value): main writes the request, then
 * signals the waiting thread, which sigwaitinfo()s for it and reads the
 * request with the value. The send happens before the wait that receives
 * it, as for kill and pthread_kill: silent. (An unintercepted
 * pthread_sigqueue ordered nothing: each read was reported as racing
 * with main's write.) */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int request; /* written by main before each signal */
static long total;  /* under mu */
static int acked;   /* under mu */

static void *signal_thread(void *arg)
{
    sigset_t *set = arg;
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(set, &info);
        if (sig == SIGTERM || sig < 0)
            return NULL;
        pthread_mutex_lock(&mu);
        total += (long)request * info.si_value.sival_int;
        acked++;
        pthread_mutex_unlock(&mu);
    }
}

int main(void)
{
    static sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    pthread_t t;
    pthread_create(&t, NULL, signal_thread, &set);
    for (int i = 1; i <= 10; i++) {
        request = i;
        pthread_sigqueue(t, SIGUSR1, (union sigval){.sival_int = 2});
        /* Wait for the acknowledgement before the next request. */
        for (;;) {
            pthread_mutex_lock(&mu);
            int a = acked;
            pthread_mutex_unlock(&mu);
            if (a == i)
                break;
            usleep(100);
        }
    }
    pthread_kill(t, SIGTERM);
    pthread_join(t, NULL);
    printf("total=%ld\n", total);
    return total == 110 ? 0 : 1;
}

// EXPECT-EXIT: 0
// EXPECT: total=110
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
