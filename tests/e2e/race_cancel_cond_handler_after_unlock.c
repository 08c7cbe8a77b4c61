/* The twin of norace_cancel_cond_waiters: the cancelled waiters' cleanup
 * handler unlocks the relocked mutex first, then counts: two handlers'
 * counts are unordered. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready, cancelled;

static void on_cancel(void *arg)
{
    (void)arg;
    pthread_mutex_unlock(&mu);
    cancelled++; // LINE:count
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    pthread_cleanup_push(on_cancel, NULL); // LINE:push
    while (!ready)
        pthread_cond_wait(&cv, &mu);
    pthread_cleanup_pop(1);
    return NULL;
}

int main(void)
{
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, waiter, NULL);
    usleep(200 * 1000);
    for (int i = 0; i < 2; i++)
        pthread_cancel(th[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    printf("cancelled %d\n", cancelled);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: cancelled 2
// EXPECT: WARNING: DATA RACE
// EXPECT:   on_cancel()
// EXPECT:       {{FILE}}:{{LINE:count}} {{OFF}}
// EXPECT:   waiter()
// EXPECT:       {{FILE}}:{{LINE:push}} {{OFF}}
// EXPECT:   on_cancel()
// EXPECT:       {{FILE}}:{{LINE:count}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
