/* An ifunc resolver that reads a global (as resolvers picking a version by
 * a configuration or CPU-feature variable do): the dynamic loader calls it
 * while it relocates the program, and its instrumented read reaches
 * crace's fast path before the program's calls into the shim are
 * relocated. The read must be let through unchecked (it crashed: the fast
 * path called the shim through a PLT entry not relocated yet), and the
 * program checked as usual afterwards. */
#include <pthread.h>
#include <stdio.h>

int prefer_loop = 1; /* not static: the resolver must read it */

static long sum_loop(long n)
{
    long s = 0;
    for (long i = 1; i <= n; i++)
        s += i;
    return s;
}

static long sum_formula(long n)
{
    return n * (n + 1) / 2;
}

static long (*pick_sum(void))(long)
{
    return prefer_loop ? sum_loop : sum_formula;
}

long sum_to(long n) __attribute__((ifunc("pick_sum")));

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
