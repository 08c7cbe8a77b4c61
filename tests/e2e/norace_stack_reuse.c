/* Short-lived detached threads created one after another (a sleep lets
 * each exit first), each writing locals on its stack. glibc hands the
 * exited thread's stack to the next one, with no happens-before the
 * detector sees: the new thread's stack must start clean, no race. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#define THREADS 20

static atomic_long total;
static atomic_int finished;

static __attribute__((noinline)) void fill(int *a, int n, int v)
{
    for (int i = 0; i < n; i++)
        a[i] = v + i;
}

static void *worker(void *arg)
{
    int local[32];
    fill(local, 32, (int)(long)arg);
    long sum = 0;
    for (int i = 0; i < 32; i++)
        sum += local[i];
    atomic_fetch_add_explicit(&total, sum, memory_order_relaxed);
    atomic_fetch_add_explicit(&finished, 1, memory_order_relaxed);
    return NULL;
}

int main(void)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < THREADS; i++) {
        pthread_t t;
        pthread_create(&t, &attr, worker, (void *)(long)i);
        usleep(5 * 1000);
    }
    while (atomic_load_explicit(&finished, memory_order_relaxed) < THREADS)
        usleep(1000);
    pthread_attr_destroy(&attr);
    printf("total=%ld\n", atomic_load(&total));
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: total=16000
// EXPECT-NOT: WARNING
