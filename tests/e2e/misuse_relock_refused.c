/* Locking again a lock the caller holds, where glibc refuses at once
 * with EDEADLK instead of waiting: an error-checking mutex, and an
 * rwlock held for writing, locked again for writing and for reading (Go's
 * RLock there waits forever). A program that does not check takes the
 * failed call for a second hold: its first unlock frees the lock. Each is
 * reported with where the lock is held; a recursive mutex locked twice is
 * not. */
#include <pthread.h>
#include <stdio.h>

int main(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_t checked;
    pthread_mutex_init(&checked, &a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t recursive;
    pthread_mutex_init(&recursive, &a);
    pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

    pthread_mutex_lock(&checked); // LINE:held
    int r1 = pthread_mutex_lock(&checked); // LINE:relock
    pthread_mutex_unlock(&checked);

    pthread_mutex_lock(&recursive);
    pthread_mutex_lock(&recursive);
    pthread_mutex_unlock(&recursive);
    pthread_mutex_unlock(&recursive);

    pthread_rwlock_wrlock(&rw); // LINE:written
    int r2 = pthread_rwlock_wrlock(&rw); // LINE:rewrite
    int r3 = pthread_rwlock_rdlock(&rw); // LINE:read
    pthread_rwlock_unlock(&rw);
    printf("%d %d %d\n", r1, r2, r3);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 35 35 35
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: pthread_mutex_lock of mutex {{ADDR}} by goroutine 1, which holds it (it failed: EDEADLK, nothing was locked):
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:relock}} {{OFF}}
// EXPECT: Mutex {{ADDR}} is held by goroutine 1, locked at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:held}} {{OFF}}
// EXPECT: WARNING: MISUSE OF RWLOCK
// EXPECT: pthread_rwlock_wrlock of rwlock {{ADDR}} by goroutine 1, which holds it for writing (it failed: EDEADLK, nothing was locked):
// EXPECT:       {{FILE}}:{{LINE:rewrite}} {{OFF}}
// EXPECT: RWLock {{ADDR}} is held by goroutine 1, locked at:
// EXPECT:       {{FILE}}:{{LINE:written}} {{OFF}}
// EXPECT: WARNING: MISUSE OF RWLOCK
// EXPECT: pthread_rwlock_rdlock of rwlock {{ADDR}} by goroutine 1, which holds it for writing (it failed: EDEADLK, nothing was locked):
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT:       {{FILE}}:{{LINE:written}} {{OFF}}
// EXPECT-COUNT: 3 WARNING: MISUSE
