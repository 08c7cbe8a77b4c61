/* The classic pattern: every thread blocks SIGUSR1 and SIGTERM, one
 * dedicated thread sigwait()s for them and, for each SIGUSR1, locks a
 * mutex and applies the request main prepared before sending it (the send
 * happens before the sigwait that receives it). SIGTERM ends it. Silent,
 * and the waiting thread never counts as blocked forever. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int request; /* written by main before each signal */
static int total;   /* under mu */
static int acked;   /* under mu */

static void *signal_thread(void *arg)
{
    sigset_t *set = arg;
    for (;;) {
        int sig;
        if (sigwait(set, &sig) != 0)
            return NULL;
        if (sig == SIGTERM)
            return NULL;
        pthread_mutex_lock(&mu);
        total += request;
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
        kill(getpid(), SIGUSR1);
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
    printf("total=%d\n", total);
    return total == 55 ? 0 : 1;
}

// EXPECT-EXIT: 0
// EXPECT: total=55
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
