/* The fix of deadlock_rwlock_upgrade: cache_fill drops its read lock
 * before it write-locks the cache, and looks again under the write lock
 * (another goroutine may have filled the entry in between). Two
 * goroutines fill the same keys at once, while a third holds a read lock
 * of its own for a while: each write lock waits for readers that are
 * other goroutines, which is no deadlock. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static int cache[16];

static int cache_fill(int key)
{
    pthread_rwlock_rdlock(&cache_lock);
    int v = cache[key];
    pthread_rwlock_unlock(&cache_lock);
    if (v != 0)
        return v;
    pthread_rwlock_wrlock(&cache_lock);
    if (cache[key] == 0)
        cache[key] = key * key + 1;
    v = cache[key];
    pthread_rwlock_unlock(&cache_lock);
    return v;
}

static void *filler(void *arg)
{
    long sum = 0;
    for (int round = 0; round < 200; round++)
        for (int key = 0; key < 16; key++)
            sum += cache_fill(key);
    *(long *)arg = sum;
    return NULL;
}

static void *slow_reader(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&cache_lock);
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    pthread_rwlock_unlock(&cache_lock);
    return NULL;
}

int main(void)
{
    pthread_t r, f[2];
    long sums[2];
    pthread_create(&r, NULL, slow_reader, NULL);
    for (int i = 0; i < 2; i++)
        pthread_create(&f[i], NULL, filler, &sums[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(f[i], NULL);
    pthread_join(r, NULL);
    printf("sums %s\n", sums[0] == sums[1] ? "equal" : "differ");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sums equal
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
