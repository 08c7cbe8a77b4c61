/* pthread_mutex_init of a mutex that a thread holds is a misuse, as its
 * destroy would be: the holder's unlock then acts on a fresh mutex. Not
 * one: re-initialising a mutex that was destroyed, or initialising memory
 * that never held a mutex, whatever bytes it holds. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t mu;

int main(void)
{
    pthread_mutex_init(&mu, NULL);
    pthread_mutex_lock(&mu);
    pthread_mutex_unlock(&mu);
    pthread_mutex_destroy(&mu);
    pthread_mutex_init(&mu, NULL); /* after a destroy: fine */

    pthread_mutex_t *junk = malloc(sizeof(*junk));
    memset(junk, 0xff, sizeof(*junk));
    pthread_mutex_init(junk, NULL); /* fresh memory: fine */
    pthread_mutex_lock(junk);
    pthread_mutex_unlock(junk);
    pthread_mutex_destroy(junk);
    free(junk);

    pthread_mutex_lock(&mu);         // LINE:lock
    pthread_mutex_init(&mu, NULL);   // LINE:init
    pthread_mutex_lock(&mu);
    pthread_mutex_unlock(&mu);
    puts("done");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: ==================
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: pthread_mutex_init of locked mutex {{ADDR}} by goroutine 1:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:init}} {{OFF}}
// EXPECT:
// EXPECT: Mutex {{ADDR}} is held by goroutine 1, locked at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT: ==================
// EXPECT-COUNT: 1 WARNING:
