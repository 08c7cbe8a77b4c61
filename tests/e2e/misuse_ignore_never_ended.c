/* A goroutine opens an ignore annotation and ends without closing it:
 * nothing it did afterwards was checked, which an annotation meant for a
 * few lines did not intend (ThreadSanitizer: "thread finished with
 * ignores enabled"). Reported where the bracket began, once for the
 * worker and once for main, which returns inside one too. A bracket
 * closed before the end (balanced) is no misuse. */
#include <pthread.h>
#include <stdio.h>

void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
void AnnotateIgnoreWritesBegin(const char *file, int line);
void AnnotateIgnoreWritesEnd(const char *file, int line);

static int counter;

static void *worker(void *arg)
{
    (void)arg;
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
    counter++;
    AnnotateIgnoreWritesEnd(__FILE__, __LINE__); /* balanced: fine */
    AnnotateIgnoreReadsBegin(__FILE__, __LINE__); // LINE:worker
    return NULL;
}

int main(void)
{
    pthread_t th;
    pthread_create(&th, NULL, worker, NULL);
    pthread_join(th, NULL);
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__); // LINE:main
    printf("counter=%d\n", counter);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: counter=1
// EXPECT: WARNING: MISUSE OF THREAD
// EXPECT: Goroutine 2 finished with its accesses ignored: an ignore annotation was never ended (nothing it did since was checked), begun at:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker}} {{OFF}}
// EXPECT: WARNING: MISUSE OF THREAD
// EXPECT: Goroutine 1 finished with its accesses ignored: an ignore annotation was never ended (nothing it did since was checked), begun at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT: Found 2 misuse(s)
