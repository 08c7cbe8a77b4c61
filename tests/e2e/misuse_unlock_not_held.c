/* Unlocks by a goroutine that does not hold the mutex: main unlocks an
 * error-checking mutex that goroutine 2 holds (glibc refuses with EPERM;
 * the report names the holder and where it locked it), then a plain
 * mutex twice (the second unlock is of an unlocked mutex, reported once
 * although the loop does it three times), then a C11 mtx_t likewise. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <threads.h>

static pthread_mutex_t held;
static pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
static mtx_t c11;
static sem_t locked, release; /* the holder holds it; it may let go */

static void *holder(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&held); // LINE:hold
    sem_post(&locked);
    sem_wait(&release);
    pthread_mutex_unlock(&held);
    return NULL;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&held, &attr); // LINE:init
    sem_init(&locked, 0, 0);
    sem_init(&release, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, holder, NULL);
    sem_wait(&locked); /* goroutine 2 holds it now */
    int r = pthread_mutex_unlock(&held); // LINE:steal
    fprintf(stderr, "unlock by non-owner: %s\n", r == EPERM ? "EPERM" : "?");
    sem_post(&release);
    pthread_join(t, NULL);

    for (int i = 0; i < 3; i++) {
        pthread_mutex_lock(&plain);
        pthread_mutex_unlock(&plain);
        pthread_mutex_unlock(&plain); // LINE:double
    }

    mtx_init(&c11, mtx_plain);
    mtx_unlock(&c11); // LINE:c11
    mtx_destroy(&c11);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: pthread_mutex_unlock of mutex {{ADDR}} by goroutine 1, which does not hold it:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:steal}} {{OFF}}
// EXPECT:
// EXPECT: Mutex {{ADDR}} is held by goroutine 2, locked at:
// EXPECT:   holder()
// EXPECT:       {{FILE}}:{{LINE:hold}} {{OFF}}
// EXPECT:
// EXPECT: Mutex {{ADDR}} created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:init}} {{OFF}}
// EXPECT: ==================
// EXPECT: unlock by non-owner: EPERM
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: pthread_mutex_unlock of unlocked mutex {{ADDR}} by goroutine 1:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:double}} {{OFF}}
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: mtx_unlock of unlocked mutex {{ADDR}} by goroutine 1:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:c11}} {{OFF}}
// EXPECT: Found 3 misuse(s)
// EXPECT-COUNT: 3 WARNING: MISUSE OF MUTEX
// EXPECT-NOT: WARNING: DATA RACE
