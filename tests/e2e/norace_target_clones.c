/* A function with target_clones: the dynamic loader picks its version by
 * calling an ifunc resolver, instrumented like the rest of the program,
 * while it relocates the program, before libc can be called. crace must
 * let that call through unchecked (it initialised itself from there and
 * crashed), and check the program as usual afterwards. */
#include <pthread.h>
#include <stdio.h>

__attribute__((target_clones("avx2", "default"))) static long sum_to(long n)
{
    long s = 0;
    for (long i = 1; i <= n; i++)
        s += i;
    return s;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *adder(void *arg)
{
    (void)arg;
    long s = sum_to(100);
    pthread_mutex_lock(&mu);
    total += s;
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, adder, NULL);
    pthread_create(&b, NULL, adder, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("total=%ld\n", total);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: total=10100
// EXPECT-NOT: WARNING
