/* A deadlock through an rwlock's reader: main holds it for reading and
 * waits for a mutex the worker holds; the worker waits to write-lock the
 * rwlock. glibc's rwlock names no reader, but main's wait is bracketed
 * and its held list says it read-locked the rwlock: the dump names it as
 * the rwlock's holder, with where it read-locked it. */
#include <pthread.h>

static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t journal = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both;

static void *writer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&journal); // LINE:journal
    pthread_barrier_wait(&both);
    pthread_rwlock_wrlock(&table); // LINE:wrlock
    return NULL;
}

int main(void)
{
    pthread_barrier_init(&both, NULL, 2);
    pthread_rwlock_rdlock(&table); // LINE:rdlock
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL); // LINE:create
    pthread_barrier_wait(&both);
    pthread_mutex_lock(&journal); // LINE:lock
    pthread_join(t, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT: goroutine 1 [pthread_mutex_lock]:
// EXPECT: 	{{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT: ... waits on mutex {{ADDR}} held by goroutine 2, locked at:
// EXPECT: 	{{FILE}}:{{LINE:journal}} {{OFF}}
// EXPECT: goroutine 2 [pthread_rwlock_wrlock]:
// EXPECT: 	{{FILE}}:{{LINE:wrlock}} {{OFF}}
// EXPECT: ... waits on rwlock {{ADDR}} held for reading by goroutine 1, read-locked at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:rdlock}} {{OFF}}
// EXPECT: created by goroutine 1 at:
// EXPECT: 	{{FILE}}:{{LINE:create}} {{OFF}}
