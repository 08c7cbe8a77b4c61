/* A lock of the program's own, described by ThreadSanitizer's dynamic
 * annotations, whose annotations say something no lock can do: goroutine
 * 2 takes it for writing while main holds it (a double lock: the report
 * names the holder and where it took the lock), and main lets go of
 * another one nobody holds. Each is a misuse, as under ThreadSanitizer
 * (its mutex_double_lock and mutex_bad_unlock tests). */
#include <pthread.h>
#include <stdio.h>

void AnnotateRWLockAcquired(const char *file, int line, void *lock, long is_w);
void AnnotateRWLockReleased(const char *file, int line, void *lock, long is_w);

static int held, never;

static void *taker(void *arg)
{
    (void)arg;
    AnnotateRWLockAcquired(__FILE__, __LINE__, &held, 1); // LINE:second
    return NULL;
}

int main(void)
{
    AnnotateRWLockAcquired(__FILE__, __LINE__, &held, 1); // LINE:first
    pthread_t t;
    pthread_create(&t, NULL, taker, NULL);
    pthread_join(t, NULL);
    AnnotateRWLockReleased(__FILE__, __LINE__, &never, 1); // LINE:unheld
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: AnnotateRWLockAcquired of mutex {{ADDR}} by goroutine 2 while goroutine 1 holds it:
// EXPECT:   taker()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT:
// EXPECT: Mutex {{ADDR}} is held by goroutine 1, locked at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT:
// EXPECT: Mutex {{ADDR}} created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT: ==================
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: AnnotateRWLockReleased of unlocked mutex {{ADDR}} by goroutine 1:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:unheld}} {{OFF}}
// EXPECT:
// EXPECT: Mutex {{ADDR}} created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:unheld}} {{OFF}}
// EXPECT: Found 2 misuse(s)
// EXPECT-COUNT: 2 WARNING: MISUSE OF MUTEX
