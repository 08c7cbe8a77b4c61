/* TLS destructors are checked as the goroutine's own code, and ordered
 * as such: a pthread key's destructor adds the goroutine's count to a
 * total under a mutex, a tss_create destructor writes the goroutine's own
 * slot of an array, and main reads both after the joins, which happen
 * after the destructors. No race. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>

enum { N = 4 };
static pthread_key_t counter_key;
static tss_t slot_key;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long total;
static long last_seen[N];

static void flush(void *p)
{
    pthread_mutex_lock(&mu);
    total += *(long *)p;
    pthread_mutex_unlock(&mu);
    free(p);
}

static void remember(void *p)
{
    long *mine = p;
    last_seen[*mine - 1] = *mine * 10;
    free(p);
}

static void *worker(void *arg)
{
    long *count = malloc(sizeof(*count)), *slot = malloc(sizeof(*slot));
    *count = *slot = (long)(size_t)arg;
    pthread_setspecific(counter_key, count);
    tss_set(slot_key, slot);
    return NULL;
}

int main(void)
{
    pthread_key_create(&counter_key, flush);
    tss_create(&slot_key, remember);
    pthread_t t[N];
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], NULL, worker, (void *)(size_t)(i + 1));
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    long seen = 0;
    for (int i = 0; i < N; i++)
        seen += last_seen[i];
    printf("total %ld seen %ld\n", total, seen);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: total 10 seen 100
// EXPECT-NOT: WARNING
