/* A detached worker keeps running when main returns, and a destructor
 * tears down what it uses (here it only raises a flag). Natively the
 * process ends within microseconds of its destructors; the worker, which
 * would notice 150 ms later, never does. Under crace the end came 200 ms
 * after the destructors (the time goroutines still running are given to
 * block or end), long enough for a busy worker to run into a destroyed
 * object and crash a program that never crashes natively. Goroutines are
 * given that time before the exit handlers now. Exit 0, and the worker's
 * line never printed. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static atomic_int torn_down;

static void *worker(void *arg)
{
    (void)arg;
    while (!atomic_load(&torn_down))
        ;
    usleep(150 * 1000);
    static const char msg[] = "worker ran after teardown\n";
    if (write(1, msg, strlen(msg)) < 0)
        return NULL;
    return NULL;
}

__attribute__((destructor)) static void teardown(void)
{
    atomic_store(&torn_down, 1);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_detach(t);
    puts("main returns");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: main returns
// EXPECT-NOT: worker ran after teardown
// EXPECT-NOT: WARNING
