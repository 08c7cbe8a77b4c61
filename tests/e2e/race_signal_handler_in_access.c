/* A signal that interrupts an access check: the goroutine spends its time
 * in the detector's fast path (linked into the program), and the handler
 * it runs writes data that main reads unordered. The handler's stack in
 * the report is the program's, without the detector's frames the signal
 * landed in (__tsan_write4, crace_access_inline... were shown). */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static sem_t handled;
static long data;
static atomic_int stop;
static volatile int scratch[4];

static void handler(int sig)
{
    (void)sig;
    sem_post(&handled);
    data = 78; // LINE:handler
}

static void *busy(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&stop, memory_order_relaxed))
        for (int i = 0; i < 1000; i++)
            scratch[i & 3] = i;
    return NULL;
}

int main(void)
{
    sem_init(&handled, 0, 0);
    signal(SIGUSR1, handler);
    pthread_t t;
    pthread_create(&t, NULL, busy, NULL);
    usleep(20 * 1000);
    pthread_kill(t, SIGUSR1);
    sem_wait(&handled);
    usleep(30 * 1000);
    long v = data; // LINE:read
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    printf("%ld\n", v);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   handler()
// EXPECT:       {{FILE}}:{{LINE:handler}} {{OFF}}
// EXPECT-NOT: __tsan_
// EXPECT-NOT: crace_access
// EXPECT-NOT: access.h
// EXPECT-COUNT: 1 WARNING: DATA RACE
