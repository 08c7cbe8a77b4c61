/* The twin of norace_legacy_annotations: the producer annotates its put
 * on the queue, but the consumer takes the item without AnnotatePCQGet.
 * The hand-off is relaxed atomics only, so the read of the item races
 * with its write. */
#include <pthread.h>
#include <stdio.h>

void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count);
void __tsan_testonly_barrier_wait(unsigned *barrier);
void AnnotatePCQPut(const char *file, int line, const volatile void *pcq);

static unsigned barrier;
static int item, queued, queue;

static void *producer(void *arg)
{
    (void)arg;
    item = 42; // LINE:write
    AnnotatePCQPut(__FILE__, __LINE__, &queue);
    __atomic_store_n(&queued, 1, __ATOMIC_RELAXED);
    __tsan_testonly_barrier_wait(&barrier);
    return NULL;
}

int main(void)
{
    __tsan_testonly_barrier_init(&barrier, 2);
    pthread_t t;
    pthread_create(&t, NULL, producer, NULL);
    __tsan_testonly_barrier_wait(&barrier);
    while (!__atomic_load_n(&queued, __ATOMIC_RELAXED))
        ;
    printf("item %d\n", item); // LINE:read
    pthread_join(t, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: item 42
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
