/* 100 threads each create and join 10 short-lived ones, while a 10 us
 * interval timer's SIGALRM cuts their sleeps short: thread handles are
 * reused at a high rate. Once a join has returned, glibc may give the
 * joined thread's pthread_t to a new thread, which may finish (and leave
 * its record under that handle) before the joiner has taken the old
 * record: the joiner must take the record of the thread it joined, and
 * leave the new one alone (crace freed it while its thread was still
 * ending, and crashed in about a run in three). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

static void on_alarm(int sig)
{
    (void)sig;
}

static void *leaf(void *arg)
{
    (void)arg;
    usleep(1000);
    return NULL;
}

static void *spawner(void *arg)
{
    (void)arg;
    pthread_t t[10];
    for (int i = 0; i < 10; i++)
        pthread_create(&t[i], NULL, leaf, NULL);
    for (int i = 0; i < 10; i++)
        pthread_join(t[i], NULL);
    return NULL;
}

int main(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval tv = {{0, 10}, {0, 10}};
    setitimer(ITIMER_REAL, &tv, NULL);
    pthread_t t[100];
    for (int i = 0; i < 100; i++)
        pthread_create(&t[i], NULL, spawner, NULL);
    for (int i = 0; i < 100; i++)
        pthread_join(t[i], NULL);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("1,100 threads joined\n");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 1,100 threads joined
// EXPECT-NOT: WARNING
