/* Several goroutines nest two, then three mutexes, always in the same
 * order (A, then B, then C), recursively re-locking a recursive one:
 * no cycle, nothing to report. */
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c;
static long counter;
static int finished; /* workers done, counted atomically */

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&a);
        pthread_mutex_lock(&b);
        if (i % 2) {
            pthread_mutex_lock(&c);
            pthread_mutex_lock(&c); /* recursive: no edge C -> C */
            counter++;
            pthread_mutex_unlock(&c);
            pthread_mutex_unlock(&c);
        }
        counter++;
        pthread_mutex_unlock(&b);
        pthread_mutex_unlock(&a);
        pthread_mutex_lock(&b); /* B alone, then C: B -> C again */
        pthread_mutex_lock(&c);
        counter++;
        pthread_mutex_unlock(&c);
        pthread_mutex_unlock(&b);
    }
    __atomic_fetch_add(&finished, 1, __ATOMIC_RELEASE);
    return NULL;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&c, &attr);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    /* Polls rather than joins at once: a goroutine blocked in a join
     * would let the deadlock detector take a worker caught between its
     * failed trylock and its wait for the last one running (a known race
     * in its all-asleep check). */
    while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < 4)
        usleep(1000);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    pthread_mutex_destroy(&c);
    return counter == 4 * (1000 + 500 + 1000) ? 0 : 1;
}

// EXPECT-EXIT: 0
// EXPECT-NOT: WARNING
