/* AnnotateIgnoreSyncBegin/End: a thread's synchronisation inside the
 * bracket orders nothing, so the counter both threads increment under one
 * mutex races (as under ThreadSanitizer); the threads take turns with
 * ThreadSanitizer's test-only barrier, which orders nothing either. A
 * signal handler that runs inside the bracket synchronises again: its
 * release store publishes what it wrote, and main reads that without a
 * report. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

void AnnotateIgnoreSyncBegin(const char *file, int line);
void AnnotateIgnoreSyncEnd(const char *file, int line);
void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count);
void __tsan_testonly_barrier_wait(unsigned *barrier);

static unsigned turn1, turn2;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static long handled_data;
static int handled;

static void handler(int sig)
{
    (void)sig;
    handled_data = 7;
    __atomic_store_n(&handled, 1, __ATOMIC_RELEASE);
}

static void *ignoring(void *arg)
{
    (void)arg;
    AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
    pthread_mutex_lock(&mu);
    counter++; // LINE:ignored
    pthread_mutex_unlock(&mu);
    __tsan_testonly_barrier_wait(&turn1);
    __tsan_testonly_barrier_wait(&turn2);
    raise(SIGUSR1);
    AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
    return NULL;
}

int main(void)
{
    signal(SIGUSR1, handler);
    __tsan_testonly_barrier_init(&turn1, 2);
    __tsan_testonly_barrier_init(&turn2, 2);
    pthread_t th;
    pthread_create(&th, NULL, ignoring, NULL);
    __tsan_testonly_barrier_wait(&turn1);
    pthread_mutex_lock(&mu);
    counter++; // LINE:main
    pthread_mutex_unlock(&mu);
    __tsan_testonly_barrier_wait(&turn2);
    while (!__atomic_load_n(&handled, __ATOMIC_ACQUIRE))
        usleep(1000);
    long d = handled_data;
    pthread_join(th, NULL);
    printf("counter=%ld data=%ld\n", counter, d);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: counter=2 data=7
// EXPECT: WARNING: DATA RACE
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT:   ignoring()
// EXPECT:       {{FILE}}:{{LINE:ignored}} {{OFF}}
// EXPECT: Location is global 'counter' of size 8 at {{ADDR}} (race_annotate_ignore_sync+{{ADDR}})
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: handled_data
