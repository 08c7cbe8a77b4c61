/* One goroutine takes A then B; another holds B and only tries A,
 * backing off when it is busy: that cannot deadlock, and a trylock adds
 * no edge to the lock-order graph. The lock taken by the trylock is held
 * all the same: taking C under it is the edge A -> C, consistent with
 * the first goroutine's A -> B. Then both read-lock two rwlocks in
 * opposite orders: readers never block readers (glibc's rwlocks prefer
 * readers), so that cycle cannot deadlock either. */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t r1 = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t r2 = PTHREAD_RWLOCK_INITIALIZER;
static int shared;

static void *a_then_b(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    shared++;
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    pthread_rwlock_rdlock(&r1);
    pthread_rwlock_rdlock(&r2);
    pthread_rwlock_unlock(&r2);
    pthread_rwlock_unlock(&r1);
    return NULL;
}

static void *b_then_try_a(void *arg)
{
    (void)arg;
    usleep(50 * 1000);
    for (;;) {
        pthread_mutex_lock(&b);
        if (pthread_mutex_trylock(&a) == 0) {
            pthread_mutex_lock(&c);
            shared++;
            pthread_mutex_unlock(&c);
            pthread_mutex_unlock(&a);
            pthread_mutex_unlock(&b);
            break;
        }
        pthread_mutex_unlock(&b);
        usleep(1000);
    }
    pthread_rwlock_rdlock(&r2);
    pthread_rwlock_rdlock(&r1);
    pthread_rwlock_unlock(&r1);
    pthread_rwlock_unlock(&r2);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, a_then_b, NULL);
    pthread_create(&t2, NULL, b_then_try_a, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return shared == 2 ? 0 : 1;
}

// EXPECT-EXIT: 0
// EXPECT-NOT: WARNING
