/* A plain write of a variable (clang's atomic_init is one), then a release
 * operation on it: another thread's acquire load or acquire RMW that reads
 * what the release wrote happens after the plain write (C11 5.1.2.4), so
 * the two do not race. The acquiring side is checked in the shadow after
 * it acquired, not before. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int flag;    /* used atomically after a plain initialisation */
static long total;  /* likewise, by read-modify-writes */
static int message; /* published by the release of flag */

static void *producer(void *arg)
{
    (void)arg;
    message = 42;
    flag = 0;
    total = 100;
    __atomic_fetch_add(&total, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&flag, 1, __ATOMIC_RELEASE);
    return NULL;
}

int main(void)
{
    pthread_t th;
    pthread_create(&th, NULL, producer, NULL);
    usleep(100 * 1000); /* the producer is done: no earlier atomic read of ours */
    while (__atomic_load_n(&flag, __ATOMIC_ACQUIRE) != 1)
        ;
    long t = __atomic_fetch_add(&total, 1, __ATOMIC_ACQ_REL);
    printf("message=%d total=%ld\n", message, t);
    pthread_join(th, NULL);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: message=42 total=101
// EXPECT-NOT: WARNING
