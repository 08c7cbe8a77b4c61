/* Barriers and semaphores whose memory is reused the ways POSIX allows,
 * none of them a misuse: a barrier on the stack of a function that
 * returns without destroying it, called again (a new barrier at the same
 * address); a heap barrier destroyed, freed, and its memory given to
 * another one; a global barrier and a semaphore destroyed and initialised
 * again; a semaphore posted and destroyed by the goroutine its waiter
 * woke (the post came first); a zero-filled semaphore is not flagged
 * (glibc reads it as a private one of value 0). */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>

static void *arrive(void *b)
{
    pthread_barrier_wait(b);
    return NULL;
}

static void meet_on_stack(void)
{
    pthread_barrier_t b;
    pthread_barrier_init(&b, NULL, 2);
    pthread_t t;
    pthread_create(&t, NULL, arrive, &b);
    pthread_barrier_wait(&b);
    pthread_join(t, NULL);
}

static void meet_on_heap(void)
{
    pthread_barrier_t *b = malloc(sizeof(*b));
    pthread_barrier_init(b, NULL, 2);
    pthread_t t;
    pthread_create(&t, NULL, arrive, b);
    pthread_barrier_wait(b);
    pthread_join(t, NULL);
    pthread_barrier_destroy(b);
    free(b);
}

static pthread_barrier_t global;
static sem_t done;
static sem_t zeroed;

static void *post_done(void *arg)
{
    (void)arg;
    sem_post(&done);
    return NULL;
}

int main(void)
{
    for (int i = 0; i < 3; i++) {
        meet_on_stack();
        meet_on_heap();
        pthread_barrier_init(&global, NULL, 1);
        pthread_barrier_wait(&global);
        pthread_barrier_destroy(&global);
        sem_init(&done, 0, 0);
        pthread_t t;
        pthread_create(&t, NULL, post_done, NULL);
        sem_wait(&done);
        sem_destroy(&done);
        pthread_join(t, NULL);
    }
    sem_post(&zeroed);
    sem_wait(&zeroed);
    printf("ok\n");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: ok
// EXPECT-NOT: WARNING
