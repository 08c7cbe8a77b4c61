/* A lock of the program's own, described by ThreadSanitizer's dynamic
 * annotations: main takes it for writing, then for reading while it still
 * holds it, which a real rwlock would deadlock on or refuse (ThreadSanitizer's
 * mutex_bad_read_lock test). A read lock after the write lock's release is
 * no misuse. */
#include <stdio.h>

void AnnotateRWLockAcquired(const char *file, int line, void *lock, long is_w);
void AnnotateRWLockReleased(const char *file, int line, void *lock, long is_w);

static int lock_word;

int main(void)
{
    AnnotateRWLockAcquired(__FILE__, __LINE__, &lock_word, 1); // LINE:write
    AnnotateRWLockReleased(__FILE__, __LINE__, &lock_word, 1);
    AnnotateRWLockAcquired(__FILE__, __LINE__, &lock_word, 0); /* after the release: fine */
    AnnotateRWLockReleased(__FILE__, __LINE__, &lock_word, 0);
    AnnotateRWLockAcquired(__FILE__, __LINE__, &lock_word, 1); // LINE:again
    AnnotateRWLockAcquired(__FILE__, __LINE__, &lock_word, 0); // LINE:read
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: AnnotateRWLockAcquired (read) of mutex {{ADDR}} by goroutine 1 while goroutine 1 holds it for writing:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Mutex {{ADDR}} is held by goroutine 1, locked at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:again}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: MISUSE
