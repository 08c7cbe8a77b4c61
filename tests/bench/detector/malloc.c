/* malloc.c SIZE: two threads, each SIZE rounds of allocating a block of
 * 16 to 255 bytes, filling it (memset, then a store and a load), and
 * freeing one of its 64 blocks kept alive, chosen by a pseudo-random
 * sequence, so blocks of many sizes come and go as in code that builds
 * and drops small objects. Measures the detector's allocation path: the
 * heap block table, the shadow of each new block, the fill as a range
 * write, and free as a write of the whole block.
 *
 * Self-check: both threads run the same sequence, so their checksums
 * must agree. Exit 0 when they do, 1 otherwise. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 2
#define KEEP 64

struct job {
    long rounds;
    uint64_t sum;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    unsigned char *keep[KEEP] = {0};
    uint32_t s = 12345;
    uint64_t sum = 0;
    for (long i = 0; i < j->rounds; i++) {
        s = s * 1103515245u + 12345u;
        size_t size = 16 + (s >> 8) % 240;
        unsigned k = (s >> 20) % KEEP;
        free(keep[k]);
        unsigned char *p = malloc(size);
        if (!p)
            abort();
        memset(p, (int)(i & 0xff), size);
        p[0] = (unsigned char)k;
        sum = sum * 31 + p[size - 1] + p[0];
        keep[k] = p;
    }
    for (unsigned k = 0; k < KEEP; k++)
        free(keep[k]);
    j->sum = sum;
    return NULL;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 1000000;
    if (rounds < 1)
        rounds = 1;
    struct job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        jobs[i].rounds = rounds;
        if (pthread_create(&th[i], NULL, worker, &jobs[i]) != 0) {
            fprintf(stderr, "malloc: pthread_create failed\n");
            return 2;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    if (jobs[0].sum != jobs[1].sum) {
        fprintf(stderr, "malloc: FAILED: checksums differ\n");
        return 1;
    }
    printf("malloc: ok %d threads x %ld rounds, checksum %016llx\n", NTHREADS, rounds,
           (unsigned long long)jobs[0].sum);
    return 0;
}
