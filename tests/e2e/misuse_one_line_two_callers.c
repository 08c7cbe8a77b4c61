/* One unlock statement, in a helper, reached from two callers, each with
 * a mutex it does not hold: two findings (told apart by their whole
 * stacks, as races are), each once, though each caller runs in a loop. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static void release(pthread_mutex_t *m)
{
    pthread_mutex_unlock(m); // LINE:unlock
}

static void cache_flush(void)
{
    release(&cache_mu); // LINE:cache
}

static void log_flush(void)
{
    release(&log_mu); // LINE:log
}

int main(void)
{
    for (int i = 0; i < 3; i++) {
        cache_flush();
        log_flush();
    }
    printf("flushed\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: flushed
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: pthread_mutex_unlock of unlocked mutex {{ADDR}} by goroutine 1:
// EXPECT:   release()
// EXPECT:       {{FILE}}:{{LINE:unlock}} {{OFF}}
// EXPECT:   cache_flush()
// EXPECT:       {{FILE}}:{{LINE:cache}} {{OFF}}
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: pthread_mutex_unlock of unlocked mutex {{ADDR}} by goroutine 1:
// EXPECT:   release()
// EXPECT:       {{FILE}}:{{LINE:unlock}} {{OFF}}
// EXPECT:   log_flush()
// EXPECT:       {{FILE}}:{{LINE:log}} {{OFF}}
// EXPECT-COUNT: 2 WARNING: MISUSE OF MUTEX
