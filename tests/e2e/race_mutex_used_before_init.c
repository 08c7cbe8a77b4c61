/* A mutex one thread initialises (and uses) and another locks with
 * nothing ordering the two (the sleep orders nothing): the lock may see
 * the mutex before its initialisation. The init writes the mutex's
 * memory, which the lock writes too (atomically): a data race on the
 * mutex itself. That the lock then acquires the first thread's unlock
 * does not order it after the init: it is the use of the mutex that
 * needs the init first. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu;
static int counter;

static void *setup(void *arg)
{
    (void)arg;
    pthread_mutex_init(&mu, NULL); // LINE:init
    pthread_mutex_lock(&mu);
    counter++;
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, setup, NULL); // LINE:create
    usleep(100 * 1000);
    pthread_mutex_lock(&mu); // LINE:lock
    counter++;
    pthread_mutex_unlock(&mu);
    pthread_join(t, NULL);
    pthread_mutex_destroy(&mu);
    printf("counter=%d\n", counter);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: counter=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Atomic write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   setup()
// EXPECT:       {{FILE}}:{{LINE:init}} {{OFF}}
// EXPECT: Location is global 'mu' of size 40 at {{ADDR}} (race_mutex_used_before_init+{{ADDR}})
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
