/* Functions whose version the dynamic loader picks by calling an ifunc
 * resolver, instrumented like the rest of the program, while it relocates
 * the program, before libc can be called: one with target_clones, and one
 * with a hand-written resolver that reads a global (as resolvers choosing
 * by a configuration or CPU-feature variable do). crace must let those
 * calls through unchecked and check the program as usual afterwards. It
 * crashed on both: it initialised itself from the first, and the fast path
 * linked into the program called the shim through a PLT entry not yet
 * relocated from the second. */
#include <pthread.h>
#include <stdio.h>

__attribute__((target_clones("avx2", "default"))) static long sum_to(long n)
{
    long s = 0;
    for (long i = 1; i <= n; i++)
        s += i;
    return s;
}

int prefer_formula = 1; /* not static: the resolver must read it */

static long squares_loop(long n)
{
    long s = 0;
    for (long i = 1; i <= n; i++)
        s += i * i;
    return s;
}

static long squares_formula(long n)
{
    return n * (n + 1) * (2 * n + 1) / 6;
}

static long (*pick_squares(void))(long)
{
    return prefer_formula ? squares_formula : squares_loop;
}

long squares_to(long n) __attribute__((ifunc("pick_squares")));

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *adder(void *arg)
{
    (void)arg;
    long s = sum_to(100) + squares_to(10);
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
// EXPECT: total=10870
// EXPECT-NOT: WARNING
