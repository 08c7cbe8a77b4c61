/* Heap ownership passed between threads at create and join: main
 * allocates a request and hands it to a thread, which frees it and
 * allocates the reply; main reads and frees the reply after the join. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct request {
    int n;
    char tag[8];
};

struct reply {
    long square;
    char tag[8];
};

static void *serve(void *arg)
{
    struct request *req = arg;
    struct reply *rep = malloc(sizeof(*rep));
    rep->square = (long)req->n * req->n;
    memcpy(rep->tag, req->tag, sizeof(rep->tag));
    free(req);
    return rep;
}

int main(void)
{
    long total = 0;
    for (int i = 1; i <= 5; i++) {
        struct request *req = malloc(sizeof(*req));
        req->n = i;
        snprintf(req->tag, sizeof(req->tag), "r%d", i);
        pthread_t t;
        void *r;
        pthread_create(&t, NULL, serve, req);
        pthread_join(t, &r);
        struct reply *rep = r;
        total += rep->square;
        if (i == 5)
            printf("last=%s\n", rep->tag);
        free(rep);
    }
    printf("total=%ld\n", total);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: last=r5
// EXPECT: total=55
// EXPECT-NOT: WARNING
