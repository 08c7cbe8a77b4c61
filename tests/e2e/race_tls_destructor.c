/* A pthread key's destructor, run as each goroutine ends, adds the
 * goroutine's own count to a shared total without a lock. The first
 * goroutine's destructor happens before its join, so main's reads after
 * that join are fine; main reads the total again while the second one
 * runs, unordered with that one's destructor: a race, reported in the
 * destructor. (The shim ended a thread at its start routine's return,
 * and did not check its TLS destructors.) */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_key_t counter_key;
static long total;

static void flush(void *p)
{
    total += *(long *)p; // LINE:flush
    free(p);
}

static void *worker(void *arg)
{
    long *mine = malloc(sizeof(*mine));
    *mine = (long)(size_t)arg;
    pthread_setspecific(counter_key, mine);
    return NULL;
}

int main(void)
{
    pthread_key_create(&counter_key, flush);
    pthread_t a, b;
    pthread_create(&a, NULL, worker, (void *)1);
    pthread_join(a, NULL);
    pthread_create(&b, NULL, worker, (void *)2);
    usleep(200 * 1000); /* b has ended by now, its destructor too: nothing orders that */
    printf("total so far %ld\n", total); // LINE:read
    pthread_join(b, NULL);
    printf("total %ld\n", total);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 3:
// EXPECT:   flush()
// EXPECT:       {{FILE}}:{{LINE:flush}} {{OFF}}
// EXPECT: Location is global 'total' of size 8 at {{ADDR}} (race_tls_destructor+{{ADDR}})
// EXPECT-COUNT: 1 WARNING: DATA RACE
