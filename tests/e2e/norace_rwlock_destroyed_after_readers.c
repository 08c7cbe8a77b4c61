/* The twin of race_rwlock_destroyed_after_read: four readers and a
 * writer share a rwlock, and main destroys and frees it once it has
 * joined them all, each reader's last read lock ordered before the
 * destroy by its join. Every read lock records its own use; none is
 * left unordered with the destroy and free. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define READERS 4
#define ROUNDS 2000

static pthread_rwlock_t *rw;
static long value;

static void *reader(void *arg)
{
    long seen = 0;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_rwlock_rdlock(rw);
        seen += value & 1;
        pthread_rwlock_unlock(rw);
    }
    *(long *)arg = seen;
    return NULL;
}

static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_rwlock_wrlock(rw);
        value += 2;
        pthread_rwlock_unlock(rw);
    }
    return NULL;
}

int main(void)
{
    rw = malloc(sizeof(*rw));
    pthread_rwlock_init(rw, NULL);
    pthread_t r[READERS], w;
    long seen[READERS];
    for (int i = 0; i < READERS; i++)
        pthread_create(&r[i], NULL, reader, &seen[i]);
    pthread_create(&w, NULL, writer, NULL);
    long odd = 0;
    for (int i = 0; i < READERS; i++) {
        pthread_join(r[i], NULL);
        odd += seen[i];
    }
    pthread_join(w, NULL);
    pthread_rwlock_destroy(rw);
    free(rw);
    printf("value=%ld odd=%ld\n", value, odd);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: value=4000 odd=0
// EXPECT-NOT: WARNING
