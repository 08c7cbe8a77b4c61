/* The older dynamic annotations, from Valgrind's and ThreadSanitizer v1's
 * dynamic_annotations.h and WebKit's WTF names: a program built with them
 * enabled links against crace's stub, and under the shim they say what
 * Helgrind takes them to say. A condition-variable signal happens before
 * the wait it ends (older headers define ANNOTATE_HAPPENS_BEFORE and
 * _AFTER as these), a put on a producer-consumer queue before the get
 * that follows, WTF's pair as the plain one, and an expected race is not
 * reported. Each hand-off goes through relaxed atomics only, which order
 * nothing, and the threads are ordered in time by test.h's invisible
 * barrier, so every race the annotations prevent would otherwise be
 * found (race_legacy_annotation_missing is that twin). The rest link and
 * do nothing. Those names were undefined: such a program did not link. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count);
void __tsan_testonly_barrier_wait(unsigned *barrier);
void AnnotateCondVarSignal(const char *file, int line, const volatile void *cv);
void AnnotateCondVarSignalAll(const char *file, int line, const volatile void *cv);
void AnnotateCondVarWait(const char *file, int line, const volatile void *cv, const volatile void *lock);
void AnnotatePCQCreate(const char *file, int line, const volatile void *pcq);
void AnnotatePCQDestroy(const char *file, int line, const volatile void *pcq);
void AnnotatePCQPut(const char *file, int line, const volatile void *pcq);
void AnnotatePCQGet(const char *file, int line, const volatile void *pcq);
void WTFAnnotateHappensBefore(const char *file, int line, const volatile void *addr);
void WTFAnnotateHappensAfter(const char *file, int line, const volatile void *addr);
void AnnotateExpectRace(const char *file, int line, const volatile void *mem, const char *desc);
void AnnotateFlushExpectedRaces(const char *file, int line);
void AnnotatePublishMemoryRange(const char *file, int line, const volatile void *mem, unsigned long size);
void AnnotateUnpublishMemoryRange(const char *file, int line, const volatile void *mem, unsigned long size);
void AnnotateMutexIsUsedAsCondVar(const char *file, int line, const volatile void *mu);
void AnnotateMutexIsNotPHB(const char *file, int line, const volatile void *mu);
void AnnotateEnableRaceDetection(const char *file, int line, int enable);
void AnnotateTraceMemory(const char *file, int line, const volatile void *mem);
void AnnotateFlushState(const char *file, int line);
void AnnotateNoOp(const char *file, int line, const volatile void *arg);
void AnnotateMemoryIsInitialized(const char *file, int line, const volatile void *mem, unsigned long size);
void AnnotateMemoryIsUninitialized(const char *file, int line, const volatile void *mem, unsigned long size);
double ValgrindSlowdown(void);
const char *ThreadSanitizerQuery(const char *query);

static unsigned barrier;
static int by_signal, by_queue, by_wtf, expected;
static int signalled, queued, wtf_flag, queue;

static void *producer(void *arg)
{
    (void)arg;
    by_signal = 1;
    AnnotateCondVarSignal(__FILE__, __LINE__, &signalled);
    __atomic_store_n(&signalled, 1, __ATOMIC_RELAXED);
    by_queue = 2;
    AnnotatePCQPut(__FILE__, __LINE__, &queue);
    __atomic_store_n(&queued, 1, __ATOMIC_RELAXED);
    by_wtf = 3;
    WTFAnnotateHappensBefore(__FILE__, __LINE__, &wtf_flag);
    __atomic_store_n(&wtf_flag, 1, __ATOMIC_RELAXED);
    expected = 4;
    __tsan_testonly_barrier_wait(&barrier);
    return NULL;
}

int main(void)
{
    __tsan_testonly_barrier_init(&barrier, 2);
    AnnotatePCQCreate(__FILE__, __LINE__, &queue);
    AnnotateExpectRace(__FILE__, __LINE__, &expected, "the test races here on purpose");
    /* These say nothing a happens-before detector uses. */
    AnnotatePublishMemoryRange(__FILE__, __LINE__, &by_queue, sizeof(by_queue));
    AnnotateUnpublishMemoryRange(__FILE__, __LINE__, &by_queue, sizeof(by_queue));
    AnnotateMutexIsUsedAsCondVar(__FILE__, __LINE__, &signalled);
    AnnotateMutexIsNotPHB(__FILE__, __LINE__, &signalled);
    AnnotateEnableRaceDetection(__FILE__, __LINE__, 1);
    AnnotateTraceMemory(__FILE__, __LINE__, &by_wtf);
    AnnotateFlushState(__FILE__, __LINE__);
    AnnotateNoOp(__FILE__, __LINE__, NULL);
    AnnotateMemoryIsInitialized(__FILE__, __LINE__, &by_wtf, sizeof(by_wtf));
    AnnotateMemoryIsUninitialized(__FILE__, __LINE__, &by_wtf, sizeof(by_wtf));
    pthread_t t;
    pthread_create(&t, NULL, producer, NULL);
    __tsan_testonly_barrier_wait(&barrier);
    while (!__atomic_load_n(&signalled, __ATOMIC_RELAXED))
        ;
    AnnotateCondVarWait(__FILE__, __LINE__, &signalled, NULL);
    int a = by_signal;
    while (!__atomic_load_n(&queued, __ATOMIC_RELAXED))
        ;
    AnnotatePCQGet(__FILE__, __LINE__, &queue);
    int b = by_queue;
    while (!__atomic_load_n(&wtf_flag, __ATOMIC_RELAXED))
        ;
    WTFAnnotateHappensAfter(__FILE__, __LINE__, &wtf_flag);
    int c = by_wtf;
    expected = 5;
    AnnotateCondVarSignalAll(__FILE__, __LINE__, &signalled);
    AnnotateFlushExpectedRaces(__FILE__, __LINE__);
    AnnotatePCQDestroy(__FILE__, __LINE__, &queue);
    pthread_join(t, NULL);
    printf("%d %d %d %d, slowdown %s, pure happens-before %s\n", a, b, c, expected,
           ValgrindSlowdown() > 1.0 ? "> 1" : "1", ThreadSanitizerQuery("pure_happens_before"));
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 1 2 3 5, slowdown > 1, pure happens-before 1
// EXPECT-NOT: WARNING
