/* A worker hands its result to main through a mutex, a flag and a
 * condition variable, but signals after unlocking: main may see the flag,
 * stop waiting and free the condition variable (with the rest of the
 * context) before the worker's pthread_cond_signal runs, which then
 * touches freed memory. The signal and the free are a data race on the
 * condition variable. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct ctx {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
};

static void *worker(void *arg)
{
    struct ctx *c = arg;
    pthread_mutex_lock(&c->mu);
    c->done = true;
    pthread_mutex_unlock(&c->mu);
    usleep(150 * 1000); /* main frees the context meanwhile */
    pthread_cond_signal(&c->cv); // LINE:signal
    return NULL;
}

int main(void)
{
    struct ctx *c = calloc(1, sizeof(*c)); // LINE:alloc
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    pthread_t t;
    pthread_create(&t, NULL, worker, c);
    usleep(50 * 1000); /* the worker has set the flag: main will not wait */
    pthread_mutex_lock(&c->mu);
    while (!c->done)
        pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
    free(c); // LINE:free
    pthread_join(t, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Atomic write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:signal}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
// EXPECT: Location is freed heap block of size {{NUM}} at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:alloc}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
