/* race_mutex_overwrite's twin: mutexes reset only once nobody else uses
 * them. A table's mutex, locked by four workers, is cleared with memset
 * and initialised again after they are joined; a pool entry's mutex is
 * assigned a fresh PTHREAD_MUTEX_INITIALIZER by the goroutine that got
 * the entry back through a mutex-guarded free list, after its previous
 * user unlocked it for the last time. The workers' locks of one mutex
 * (atomic writes of it) never race with one another. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct table {
    pthread_mutex_t mu;
    long hits;
};

struct entry {
    pthread_mutex_t mu;
    int value;
    struct entry *next;
};

static struct table table = {PTHREAD_MUTEX_INITIALIZER, 0};
static struct entry entries[4]; /* one per worker: the free list never runs dry */
static struct entry *free_list;
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;

static struct entry *entry_get(void)
{
    pthread_mutex_lock(&pool_mu);
    struct entry *e = free_list;
    free_list = e->next;
    pthread_mutex_unlock(&pool_mu);
    e->mu = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    return e;
}

static void entry_put(struct entry *e)
{
    pthread_mutex_lock(&pool_mu);
    e->next = free_list;
    free_list = e;
    pthread_mutex_unlock(&pool_mu);
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&table.mu);
        table.hits++;
        pthread_mutex_unlock(&table.mu);
        struct entry *e = entry_get();
        pthread_mutex_lock(&e->mu);
        e->value++;
        pthread_mutex_unlock(&e->mu);
        entry_put(e);
    }
    return NULL;
}

static void run_workers(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
}

int main(void)
{
    for (int i = 0; i < 4; i++)
        entry_put(&entries[i]);
    run_workers();
    long first = table.hits;
    memset(&table, 0, sizeof table);
    pthread_mutex_init(&table.mu, NULL);
    run_workers();
    int values = 0;
    for (int i = 0; i < 4; i++)
        values += entries[i].value;
    printf("hits %ld then %ld, values %d\n", first, table.hits, values);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: hits 4000 then 4000, values 8000
// EXPECT-NOT: WARNING
