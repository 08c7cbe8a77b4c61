/* A mutex destroyed while another thread may still use it: main destroys
 * it without waiting for the worker that locks it (the sleep orders
 * nothing). The destroy writes the mutex's memory, which every lock writes
 * too (atomically): a data race on the mutex itself, as ThreadSanitizer
 * reports it. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu;
static int counter;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu); // LINE:lock
    counter++;
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_mutex_init(&mu, NULL);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    usleep(100 * 1000);
    pthread_mutex_destroy(&mu); // LINE:destroy
    pthread_join(t, NULL);
    printf("counter=%d\n", counter);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: counter=1
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:destroy}} {{OFF}}
// EXPECT: Previous atomic write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT: Location is global 'mu' of size 40 at {{ADDR}} (race_mutex_destroyed_in_use+{{ADDR}})
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
