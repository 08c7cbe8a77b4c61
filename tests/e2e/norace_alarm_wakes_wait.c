/* A single thread blocks on a semaphore that the handler of a timer's
 * SIGALRM posts (sem_post is async-signal-safe for exactly this). While
 * the timer is armed, the wait is not forever: no "all goroutines are
 * asleep" (crace reported one and ended the program). */
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

static sem_t sem;

static void on_alarm(int sig)
{
    (void)sig;
    sem_post(&sem);
}

int main(void)
{
    sem_init(&sem, 0, 0);
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval tv = {{0, 0}, {0, 100 * 1000}};
    setitimer(ITIMER_REAL, &tv, NULL);
    while (sem_wait(&sem) != 0)
        ; /* EINTR */
    printf("woken by the timer\n");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: woken by the timer
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
