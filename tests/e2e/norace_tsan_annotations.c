/* Programs written for ThreadSanitizer tell it about synchronisation it
 * cannot see, and about races they intend: __tsan_release/__tsan_acquire
 * (<sanitizer/tsan_interface.h>) and the dynamic annotations. crace
 * honours them: each hand-off below goes through relaxed atomics only,
 * which order nothing by themselves, and is race-free by the annotation;
 * the counter is racy on purpose and annotated benign; a write inside an
 * ignore bracket is not checked. Threads are ordered in time by test.h's
 * invisible barrier, so that each race the annotations prevent would
 * otherwise be found. */
#include <pthread.h>
#include <stdio.h>

void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count);
void __tsan_testonly_barrier_wait(unsigned *barrier);
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
void AnnotateHappensBefore(const char *file, int line, const volatile void *addr);
void AnnotateHappensAfter(const char *file, int line, const volatile void *addr);
void AnnotateRWLockCreate(const char *file, int line, const volatile void *lock);
void AnnotateRWLockAcquired(const char *file, int line, const volatile void *lock, long is_w);
void AnnotateRWLockReleased(const char *file, int line, const volatile void *lock, long is_w);
void AnnotateBenignRaceSized(const char *file, int line, const volatile void *mem, unsigned long size,
                             const char *desc);
void AnnotateIgnoreWritesBegin(const char *file, int line);
void AnnotateIgnoreWritesEnd(const char *file, int line);

static unsigned barrier;
static int data1, data2, guarded, benign_counter, ignored;
static int flag1, flag2, lock_word;

/* A lock the detector cannot see: relaxed atomics only. */
static void my_lock(void)
{
    while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_RELAXED))
        ;
    AnnotateRWLockAcquired(__FILE__, __LINE__, &lock_word, 1);
}

static void my_unlock(void)
{
    AnnotateRWLockReleased(__FILE__, __LINE__, &lock_word, 1);
    __atomic_store_n(&lock_word, 0, __ATOMIC_RELAXED);
}

static void *other(void *arg)
{
    (void)arg;
    data1 = 1;
    __tsan_release(&flag1);
    __atomic_store_n(&flag1, 1, __ATOMIC_RELAXED);
    data2 = 2;
    AnnotateHappensBefore(__FILE__, __LINE__, &flag2);
    __atomic_store_n(&flag2, 1, __ATOMIC_RELAXED);
    my_lock();
    guarded++;
    my_unlock();
    benign_counter++;
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
    ignored = 5;
    AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
    __tsan_testonly_barrier_wait(&barrier);
    return NULL;
}

int main(void)
{
    __tsan_testonly_barrier_init(&barrier, 2);
    AnnotateRWLockCreate(__FILE__, __LINE__, &lock_word);
    AnnotateBenignRaceSized(__FILE__, __LINE__, &benign_counter, sizeof(benign_counter), "statistics");
    pthread_t t;
    pthread_create(&t, NULL, other, NULL);
    __tsan_testonly_barrier_wait(&barrier);
    while (!__atomic_load_n(&flag1, __ATOMIC_RELAXED))
        ;
    __tsan_acquire(&flag1);
    int a = data1;
    while (!__atomic_load_n(&flag2, __ATOMIC_RELAXED))
        ;
    AnnotateHappensAfter(__FILE__, __LINE__, &flag2);
    int b = data2;
    my_lock();
    guarded++;
    my_unlock();
    benign_counter++;
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
    ignored = 6;
    AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
    pthread_join(t, NULL);
    printf("%d %d %d %d %d\n", a, b, guarded, benign_counter, ignored);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 1 2 2 2 6
// EXPECT-NOT: WARNING
