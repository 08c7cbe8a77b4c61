/* A heap counter bumped by two threads with no lock: a data race. The
 * program behind tests/report/samples' race records. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *worker(void *arg)
{
    int *hits = arg;
    *hits = *hits + 1;
    return NULL;
}

int main(void)
{
    int *hits = calloc(1, sizeof(*hits));
    pthread_t a, b;
    pthread_create(&a, NULL, worker, hits);
    usleep(100 * 1000);
    pthread_create(&b, NULL, worker, hits);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("hits=%d\n", *hits);
    free(hits);
    return 0;
}
