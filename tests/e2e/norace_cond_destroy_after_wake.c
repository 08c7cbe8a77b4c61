/* The race-free twins of race_cond_signal_after_free.c. A worker signals
 * while it still holds the mutex, so main, which takes the mutex before it
 * destroys and frees the condition variable, is ordered after the signal;
 * and, as POSIX allows, a condition variable broadcast to its waiters
 * (under the mutex) is destroyed by the broadcaster at once, while the
 * woken waiters may not have returned from their waits yet. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct ctx {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
    int waiting;
};

static void *signaller(void *arg)
{
    struct ctx *c = arg;
    usleep(20 * 1000);
    pthread_mutex_lock(&c->mu);
    c->done = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

static void *waiter(void *arg)
{
    struct ctx *c = arg;
    pthread_mutex_lock(&c->mu);
    c->waiting++;
    while (!c->done)
        pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

int main(void)
{
    for (int round = 0; round < 20; round++) {
        struct ctx *c = calloc(1, sizeof(*c));
        pthread_mutex_init(&c->mu, NULL);
        pthread_cond_init(&c->cv, NULL);
        pthread_t t;
        pthread_create(&t, NULL, signaller, c);
        pthread_mutex_lock(&c->mu);
        while (!c->done)
            pthread_cond_wait(&c->cv, &c->mu);
        pthread_mutex_unlock(&c->mu);
        pthread_join(t, NULL);
        pthread_cond_destroy(&c->cv);
        pthread_mutex_destroy(&c->mu);
        free(c);
    }

    /* The broadcaster destroys right after its broadcast. */
    static struct ctx b = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0};
    pthread_t w[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&w[i], NULL, waiter, &b);
    for (;;) {
        pthread_mutex_lock(&b.mu);
        int n = b.waiting;
        if (n == 3) {
            b.done = true;
            pthread_cond_broadcast(&b.cv);
            pthread_mutex_unlock(&b.mu);
            break;
        }
        pthread_mutex_unlock(&b.mu);
        usleep(1000);
    }
    pthread_cond_destroy(&b.cv);
    for (int i = 0; i < 3; i++)
        pthread_join(w[i], NULL);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: done
// EXPECT-NOT: WARNING
