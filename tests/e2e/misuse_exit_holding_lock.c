/* Threads that end holding a lock: an unlock forgotten on some way out,
 * which every later locker waits on forever. Reported as each thread
 * ends, with where it locked: a mutex, a spinlock, an rwlock held for
 * writing, one held for reading (every writer after waits forever). Not
 * reported: a robust mutex (made to be left by a dying owner: its next
 * locker gets EOWNERDEAD) and a mutex unlocked on the way out. No one waits for any of them, so
 * there is no deadlock to report instead. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t robust, unlocked = PTHREAD_MUTEX_INITIALIZER;
static pthread_spinlock_t spin;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER, rd = PTHREAD_RWLOCK_INITIALIZER;

static void *leave_mutex(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&plain); // LINE:mutex
    return NULL;
}

static void *leave_spin(void *arg)
{
    (void)arg;
    pthread_spin_lock(&spin); // LINE:spin
    return NULL;
}

static void *leave_write_lock(void *arg)
{
    (void)arg;
    pthread_rwlock_wrlock(&rw); // LINE:rw
    return NULL;
}

static void *leave_read_lock(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&rd); // LINE:rd
    return NULL;
}

static void *leave_allowed(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&robust);
    pthread_mutex_lock(&unlocked);
    pthread_mutex_unlock(&unlocked);
    return NULL;
}

static void run(void *(*fn)(void *))
{
    pthread_t t;
    pthread_create(&t, NULL, fn, NULL);
    pthread_join(t, NULL);
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &attr);
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    run(leave_mutex);
    run(leave_spin);
    run(leave_write_lock);
    run(leave_read_lock);
    run(leave_allowed);
    int r = pthread_mutex_lock(&robust);
    printf("robust: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : "?");
    pthread_mutex_consistent(&robust);
    pthread_mutex_unlock(&robust);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: Goroutine 2 finished holding mutex {{ADDR}}, which it locked at:
// EXPECT:   leave_mutex()
// EXPECT:       {{FILE}}:{{LINE:mutex}} {{OFF}}
// EXPECT: WARNING: MISUSE OF SPINLOCK
// EXPECT: Goroutine 3 finished holding spinlock {{ADDR}}, which it locked at:
// EXPECT:   leave_spin()
// EXPECT:       {{FILE}}:{{LINE:spin}} {{OFF}}
// EXPECT: WARNING: MISUSE OF RWLOCK
// EXPECT: Goroutine 4 finished holding rwlock {{ADDR}}, which it locked at:
// EXPECT:   leave_write_lock()
// EXPECT:       {{FILE}}:{{LINE:rw}} {{OFF}}
// EXPECT: WARNING: MISUSE OF RWLOCK
// EXPECT: Goroutine 5 finished holding rwlock {{ADDR}} for reading, which it locked at:
// EXPECT:   leave_read_lock()
// EXPECT:       {{FILE}}:{{LINE:rd}} {{OFF}}
// EXPECT: Found 4 misuse(s)
// EXPECT-COUNT: 4 WARNING: MISUSE
// EXPECT-COUNT: 1 robust: EOWNERDEAD
