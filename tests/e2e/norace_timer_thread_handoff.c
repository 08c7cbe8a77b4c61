/* A POSIX timer with SIGEV_THREAD: main fills the configuration, then
 * arms the timer; glibc runs the callback in a thread of its own, which
 * reads the configuration. Arming the timer happens before its callback,
 * as sending a signal happens before its handler: silent. (Before
 * timer_create and timer_settime were intercepted, every read of the
 * callback was reported as racing with main's writes.) */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int config[4];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int fired; /* under mu */

static void on_expiry(union sigval v)
{
    const int *c = v.sival_ptr;
    int sum = c[0] + c[1] + c[2] + c[3];
    pthread_mutex_lock(&mu);
    fired = sum;
    pthread_mutex_unlock(&mu);
}

int main(void)
{
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD;
    sev.sigev_notify_function = on_expiry;
    sev.sigev_value.sival_ptr = config;
    timer_t timer;
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0)
        return 2;
    /* Set up after the timer exists, before it is armed. */
    for (int i = 0; i < 4; i++)
        config[i] = i + 1;
    struct itimerspec when = {.it_value = {0, 5 * 1000 * 1000}};
    timer_settime(timer, 0, &when, NULL);
    for (;;) {
        pthread_mutex_lock(&mu);
        int f = fired;
        pthread_mutex_unlock(&mu);
        if (f) {
            printf("fired %d\n", f);
            break;
        }
        usleep(1000);
    }
    timer_delete(timer);
    return 0;
}

// LIBS: -lrt
// EXPECT-EXIT: 0
// EXPECT: fired 10
// EXPECT-NOT: WARNING
