/* pthread_mutex_destroy of a mutex that goroutine 2 holds (glibc refuses
 * with EBUSY; the report names the holder and where it locked it), then of
 * a mutex the caller itself holds, then of a spinlock it holds. Each
 * correct destroy afterwards is silent. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t m;
static pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;
static pthread_spinlock_t spin;
static sem_t locked, release; /* the holder holds it; it may let go */

static void *holder(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m); // LINE:hold
    sem_post(&locked);
    sem_wait(&release);
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_mutex_init(&m, NULL); // LINE:init
    sem_init(&locked, 0, 0);
    sem_init(&release, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, holder, NULL);
    sem_wait(&locked); /* goroutine 2 holds it now */
    int r = pthread_mutex_destroy(&m); // LINE:destroy
    fprintf(stderr, "destroy of a held mutex: %s\n", r == EBUSY ? "EBUSY" : "?");
    sem_post(&release);
    pthread_join(t, NULL);
    pthread_mutex_destroy(&m);

    pthread_mutex_lock(&own); // LINE:own_lock
    pthread_mutex_destroy(&own); // LINE:own_destroy
    pthread_mutex_unlock(&own);
    pthread_mutex_destroy(&own);

    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    pthread_spin_lock(&spin); // LINE:spin_lock
    pthread_spin_destroy(&spin); // LINE:spin_destroy
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: pthread_mutex_destroy of locked mutex {{ADDR}} by goroutine 1:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:destroy}} {{OFF}}
// EXPECT:
// EXPECT: Mutex {{ADDR}} is held by goroutine 2, locked at:
// EXPECT:   holder()
// EXPECT:       {{FILE}}:{{LINE:hold}} {{OFF}}
// EXPECT:
// EXPECT: Mutex {{ADDR}} created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:init}} {{OFF}}
// EXPECT: ==================
// EXPECT: destroy of a held mutex: EBUSY
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: pthread_mutex_destroy of locked mutex {{ADDR}} by goroutine 1:
// EXPECT:       {{FILE}}:{{LINE:own_destroy}} {{OFF}}
// EXPECT: Mutex {{ADDR}} is held by goroutine 1, locked at:
// EXPECT:       {{FILE}}:{{LINE:own_lock}} {{OFF}}
// EXPECT: WARNING: MISUSE OF SPINLOCK
// EXPECT: pthread_spin_destroy of locked spinlock {{ADDR}} by goroutine 1:
// EXPECT:       {{FILE}}:{{LINE:spin_destroy}} {{OFF}}
// EXPECT: Spinlock {{ADDR}} is held by goroutine 1, locked at:
// EXPECT:       {{FILE}}:{{LINE:spin_lock}} {{OFF}}
// EXPECT: Found 3 misuse(s)
// EXPECT-COUNT: 3 WARNING: MISUSE OF
