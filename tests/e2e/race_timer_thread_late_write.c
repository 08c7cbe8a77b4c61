/* The racy twin of norace_timer_thread_handoff: main changes the
 * configuration after arming the timer, and nothing orders that write
 * with the callback's read in glibc's notification thread. Reported, and
 * the callback's goroutine shows as created where the timer was (its
 * number is not checked: glibc's helper thread may take one first); its
 * stack begins at the callback, not in libc's thread start. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int limit;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int fired; /* under mu */

static void on_expiry(union sigval v)
{
    (void)v;
    int l = limit; // LINE:read
    pthread_mutex_lock(&mu);
    fired = l + 1;
    pthread_mutex_unlock(&mu);
}

int main(void)
{
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD;
    sev.sigev_notify_function = on_expiry;
    timer_t timer;
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0) // LINE:create
        return 2;
    struct itimerspec when = {.it_value = {0, 20 * 1000 * 1000}};
    timer_settime(timer, 0, &when, NULL);
    limit = 7; // LINE:write
    for (;;) {
        pthread_mutex_lock(&mu);
        int f = fired;
        pthread_mutex_unlock(&mu);
        if (f)
            break;
        usleep(1000);
    }
    timer_delete(timer);
    printf("done\n");
    return 0;
}

// LIBS: -lrt
// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: WARNING: DATA RACE
// EXPECT:   on_expiry()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: timer_sigev_thread
