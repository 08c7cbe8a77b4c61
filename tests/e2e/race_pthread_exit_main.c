/* main ends with pthread_exit while its workers still run: the process
 * ends when the last of them does, with exit(0) called inside the C
 * library, past the exit interceptor and main's wrapper. The race is
 * still summed up at the end and the status is 66. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int counter;

static void *worker(void *arg)
{
    /* One after the other: two accesses at the very same moment may each
     * be checked before the other is recorded. */
    usleep(50 * 1000 * (unsigned)(long)arg);
    counter++; // LINE:inc
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)(long)(i + 1));
    printf("main exits first\n");
    fflush(stdout);
    pthread_exit(NULL);
}

// EXPECT-EXIT: 66
// EXPECT: main exits first
// EXPECT: WARNING: DATA RACE
// EXPECT:       {{FILE}}:{{LINE:inc}} {{OFF}}
// EXPECT: Location is global 'counter' of size 4 at {{ADDR}} (race_pthread_exit_main+{{ADDR}})
// EXPECT: Found 1 data race(s)
// EXPECT-NOT: GOROUTINE LEAK
