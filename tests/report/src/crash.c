/* A program that crashes: `crash` dereferences a null pointer in a
 * worker thread; `crash race` first has two threads race on a counter;
 * `crash abort` fails an assert in a worker instead; `crash many` has
 * eight workers dereference it at once.
 * crace run must say where it crashed and that it was killed, findings or
 * not (tests/report/crace_run.sh). */
#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int counter;
static int *volatile missing;
static pthread_barrier_t together;

static void *bump(void *arg)
{
    (void)arg;
    counter++;
    return NULL;
}

__attribute__((noinline)) static int fetch(void)
{
    return *missing; /* the crash */
}

static void *reader(void *arg)
{
    (void)arg;
    printf("value %d\n", fetch());
    return NULL;
}

static void *many(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&together);
    printf("value %d\n", fetch());
    return NULL;
}

__attribute__((noinline)) static void check(int v)
{
    assert(v == 1); /* the abort */
}

static void *checker(void *arg)
{
    (void)arg;
    check(2);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t a, b;
    if (argc > 1 && strcmp(argv[1], "race") == 0) {
        pthread_create(&a, NULL, bump, NULL);
        usleep(50 * 1000);
        pthread_create(&b, NULL, bump, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
    }
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "many") == 0) {
        pthread_t th[8];
        pthread_barrier_init(&together, NULL, 8);
        for (int i = 0; i < 8; i++)
            pthread_create(&th[i], NULL, many, NULL);
        for (int i = 0; i < 8; i++)
            pthread_join(th[i], NULL);
    }
    bool aborts = argc > 1 && strcmp(argv[1], "abort") == 0;
    pthread_create(&a, NULL, aborts ? checker : reader, NULL);
    pthread_join(a, NULL);
    return 0;
}
