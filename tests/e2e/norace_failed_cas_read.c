/* A compare-exchange that fails writes nothing (C11 7.17.7.4: it is an
 * atomic read), so a plain read of the same word in another thread,
 * unordered with it, is no race. race_cas_read is the twin whose
 * compare-exchange succeeds. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int x;

static void *reader(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    return (void *)(long)x;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, reader, NULL);
    int expected = 1; /* x is 0: every attempt fails */
    int ok = __atomic_compare_exchange_n(&x, &expected, 2, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    expected = 1; /* a failure wrote the value it saw (0) here */
    ok |= __atomic_compare_exchange_n(&x, &expected, 2, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    void *got;
    pthread_join(t, &got);
    printf("ok=%d got=%ld\n", ok, (long)got);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: ok=0 got=0
// EXPECT-NOT: WARNING
