/* Hundreds of distinct data races, one per function: a thread writes
 * each variable, then main writes them all, told only by a relaxed flag
 * (no happens-before) that the thread is done. Keeps the detector
 * reporting for a while, so that a test can kill the process at any
 * moment and check what the report files hold. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#define X4(M, p) M(p##0) M(p##1) M(p##2) M(p##3)
#define X16(M, p) X4(M, p##0) X4(M, p##1) X4(M, p##2) X4(M, p##3)
#define X256(M) X16(M, 0) X16(M, 1) X16(M, 2) X16(M, 3) X16(M, 4) X16(M, 5) X16(M, 6) \
    X16(M, 7) X16(M, 8) X16(M, 9) X16(M, a) X16(M, b) X16(M, c) X16(M, d) X16(M, e) X16(M, f)

/* One variable and one writer function per race: distinct code
 * locations, so every pair is a finding of its own. */
#define DEFINE(n)                          \
    static volatile int var_##n;           \
    __attribute__((noinline)) static void write_##n(void) { var_##n++; }
X256(DEFINE)

#define CALL(n) write_##n();
static void write_all(void)
{
    X256(CALL)
}

static atomic_int first_done;

static void *first(void *arg)
{
    (void)arg;
    write_all();
    atomic_store_explicit(&first_done, 1, memory_order_relaxed);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, first, NULL);
    while (!atomic_load_explicit(&first_done, memory_order_relaxed))
        usleep(1000);
    write_all();
    pthread_join(t, NULL);
    printf("done\n");
    return 0;
}
