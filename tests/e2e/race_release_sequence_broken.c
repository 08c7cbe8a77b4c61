/* A release sequence goes on only through its head thread's own stores
 * and through RMWs (C11 5.1.2.4): a relaxed store by another thread ends
 * it. T1 writes the data and publishes with a release store; T2 then
 * overwrites the flag with a relaxed store of its own (it released
 * nothing); T3 sees T2's value with an acquire load and reads the data.
 * T3 synchronises with nobody: its read races with T1's write. T2 and T3
 * wait for the value before theirs with relaxed loads, which order the
 * threads in time and create no happens-before (sleeps did not, on a
 * busy machine). The
 * twin norace_release_sequence_rmw.c has T2 continue the sequence with
 * an RMW instead. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

int data;
static atomic_int flag;

static void *publisher(void *arg)
{
    (void)arg;
    data = 42; // LINE:write
    atomic_store_explicit(&flag, 1, memory_order_release);
    return NULL;
}

static void *overwriter(void *arg)
{
    (void)arg;
    while (atomic_load_explicit(&flag, memory_order_relaxed) != 1)
        usleep(1000);
    atomic_store_explicit(&flag, 2, memory_order_relaxed);
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    while (atomic_load_explicit(&flag, memory_order_relaxed) != 2)
        usleep(1000);
    if (atomic_load_explicit(&flag, memory_order_acquire) == 2)
        return (void *)(long)data; // LINE:read
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    void *(*fn[3])(void *) = {publisher, overwriter, reader};
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, fn[i], NULL);
    void *got = NULL;
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], i == 2 ? &got : NULL);
    printf("got=%ld\n", (long)got);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 4:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   publisher()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Location is global 'data' of size 4 at {{ADDR}} (race_release_sequence_broken+{{ADDR}})
// EXPECT-COUNT: 1 WARNING: DATA RACE
