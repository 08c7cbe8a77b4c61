/* Six mutexes taken all together, each goroutine starting at another one
 * and going round (rotations of one order), always by the same two lines
 * of code: every pair of mutexes is taken in both orders, fifteen cycles
 * of locks, but one bug. It is reported once, as ThreadSanitizer's own
 * stress test expects a handful: the cycles repeat the same code paths.
 * An inversion made by other code (x_then_y, y_then_x) is another bug and
 * is reported too. The goroutines run one after another: nothing
 * deadlocks in this run. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define LOCKS 6
static pthread_mutex_t mu[LOCKS];
static pthread_mutex_t x = PTHREAD_MUTEX_INITIALIZER, y = PTHREAD_MUTEX_INITIALIZER;

static void *take_round(void *arg)
{
    int start = (int)(intptr_t)arg;
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_lock(&mu[(start + i) % LOCKS]); // LINE:lock
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_unlock(&mu[i]);
    return NULL;
}

static void *x_then_y(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&x);
    pthread_mutex_lock(&y); // LINE:xy
    pthread_mutex_unlock(&y);
    pthread_mutex_unlock(&x);
    return NULL;
}

static void *y_then_x(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&y);
    pthread_mutex_lock(&x); // LINE:yx
    pthread_mutex_unlock(&x);
    pthread_mutex_unlock(&y);
    return NULL;
}

static void run(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    pthread_create(&t, NULL, fn, arg);
    pthread_join(t, NULL); /* strictly one after another */
}

int main(void)
{
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_init(&mu[i], NULL);
    for (int start = 0; start < LOCKS; start++)
        run(take_round, (void *)(intptr_t)start);
    run(x_then_y, NULL);
    run(y_then_x, NULL);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: WARNING: POTENTIAL DEADLOCK
// EXPECT:   take_round()
// EXPECT:       {{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT: WARNING: POTENTIAL DEADLOCK
// EXPECT:   y_then_x()
// EXPECT:       {{FILE}}:{{LINE:yx}} {{OFF}}
// EXPECT: Found 2 potential deadlock(s)
// EXPECT-COUNT: 2 WARNING: POTENTIAL DEADLOCK
