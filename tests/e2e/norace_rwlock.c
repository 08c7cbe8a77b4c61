/* Writers update two fields under the write lock; readers check them under
 * the read lock (concurrently with each other). */
#include <pthread.h>
#include <stdio.h>

#define WRITERS 2
#define READERS 3
#define ROUNDS 500

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
long count;
long twice;

static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_rwlock_wrlock(&rw);
        count++;
        twice += 2;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    long bad = 0;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_rwlock_rdlock(&rw);
        bad += twice != 2 * count;
        pthread_rwlock_unlock(&rw);
    }
    return (void *)bad;
}

int main(void)
{
    pthread_t w[WRITERS], r[READERS];
    for (int i = 0; i < READERS; i++)
        pthread_create(&r[i], NULL, reader, NULL);
    for (int i = 0; i < WRITERS; i++)
        pthread_create(&w[i], NULL, writer, NULL);
    long bad = 0;
    for (int i = 0; i < WRITERS; i++)
        pthread_join(w[i], NULL);
    for (int i = 0; i < READERS; i++) {
        void *b;
        pthread_join(r[i], &b);
        bad += (long)b;
    }
    printf("count=%ld bad=%ld\n", count, bad);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: count=1000 bad=0
// EXPECT-NOT: WARNING
