/* Two goroutines nest A and B in opposite orders, but always while
 * holding the gate lock G (and a third one nests all three of its own
 * under an rwlock it write-locks): whoever holds G takes both, the other
 * waits at G. No deadlock can happen, and none is reported. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t d = PTHREAD_MUTEX_INITIALIZER;
static long moved_ab, moved_cd;

static void *ab(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&gate);
        pthread_mutex_lock(&a);
        pthread_mutex_lock(&b);
        moved_ab++;
        pthread_mutex_unlock(&b);
        pthread_mutex_unlock(&a);
        pthread_mutex_unlock(&gate);
    }
    return NULL;
}

static void *ba(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&gate);
        pthread_mutex_lock(&b);
        pthread_mutex_lock(&a);
        moved_ab++;
        pthread_mutex_unlock(&a);
        pthread_mutex_unlock(&b);
        pthread_mutex_unlock(&gate);
    }
    return NULL;
}

/* The gate is an rwlock write-locked by one side, read-locked by the
 * other: still exclusive. */
static void *cd(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_rwlock_wrlock(&table);
        pthread_mutex_lock(&c);
        pthread_mutex_lock(&d);
        moved_cd++;
        pthread_mutex_unlock(&d);
        pthread_mutex_unlock(&c);
        pthread_rwlock_unlock(&table);
    }
    return NULL;
}

static void *dc(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_rwlock_rdlock(&table);
        pthread_mutex_lock(&d);
        pthread_mutex_lock(&c);
        moved_cd++;
        pthread_mutex_unlock(&c);
        pthread_mutex_unlock(&d);
        pthread_rwlock_unlock(&table);
    }
    return NULL;
}

int main(void)
{
    void *(*fn[])(void *) = {ab, ba, cd, dc};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, fn[i], NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("moved %ld\n", moved_ab + moved_cd);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: moved 4000
// EXPECT-NOT: POTENTIAL DEADLOCK
// EXPECT-NOT: WARNING
