/* Two threads take the same two locks in opposite orders, one after the
 * other: no deadlock this time, but the order is inverted. */
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t config = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t cache = PTHREAD_MUTEX_INITIALIZER;

static void *reload(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&config);
    pthread_mutex_lock(&cache);
    pthread_mutex_unlock(&cache);
    pthread_mutex_unlock(&config);
    return NULL;
}

static void *evict(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    pthread_mutex_lock(&cache);
    pthread_mutex_lock(&config);
    pthread_mutex_unlock(&config);
    pthread_mutex_unlock(&cache);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, reload, NULL);
    pthread_create(&t2, NULL, evict, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
