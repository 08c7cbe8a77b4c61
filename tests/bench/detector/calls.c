/* calls.c SIZE: two threads, each walking a private tree of small nodes
 * with small functions that the compiler is told not to inline, as much
 * real code is written (accessors, helpers, callbacks through a pointer).
 * SIZE is the number of walks per thread. Measures the cost of function
 * entry and exit in the detector (the instrumentation calls one at either
 * end of every instrumented function: a shadow call stack and the history
 * events that restore a previous access's stack), with few memory
 * accesses per call and nothing shared.
 *
 * Self-check: both threads walk equal trees the same number of times, so
 * their checksums must agree. Exit 0 when they do, 1 otherwise. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 2
#define DEPTH 10 /* 2^10 - 1 nodes per tree */

struct node {
    struct node *left, *right;
    uint64_t key;
    uint64_t visits;
};

struct job {
    struct node *root;
    long walks;
    uint64_t sum;
};

static struct node *build(uint64_t *next_key, int depth)
{
    if (depth == 0)
        return NULL;
    struct node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->left = build(next_key, depth - 1);
    n->key = (*next_key)++ * 0x9e3779b97f4a7c15ull;
    n->right = build(next_key, depth - 1);
    return n;
}

static void destroy(struct node *n)
{
    if (!n)
        return;
    destroy(n->left);
    destroy(n->right);
    free(n);
}

__attribute__((noinline)) static uint64_t mix(uint64_t h, uint64_t k)
{
    return (h ^ k) * 1099511628211ull;
}

__attribute__((noinline)) static uint64_t visit(struct node *n, uint64_t h)
{
    n->visits++;
    return mix(h, n->key + n->visits);
}

typedef uint64_t (*visitor)(struct node *, uint64_t);

/* In-order, the visitor called through a pointer as a callback would be. */
__attribute__((noinline)) static uint64_t walk(struct node *n, visitor fn, uint64_t h)
{
    if (!n)
        return h;
    h = walk(n->left, fn, h);
    h = fn(n, h);
    return walk(n->right, fn, h);
}

static void *worker(void *arg)
{
    struct job *j = arg;
    uint64_t h = 14695981039346656037ull;
    for (long w = 0; w < j->walks; w++)
        h = walk(j->root, visit, h);
    j->sum = h;
    return NULL;
}

int main(int argc, char **argv)
{
    long walks = argc > 1 ? atol(argv[1]) : 100;
    if (walks < 1)
        walks = 1;
    struct job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        uint64_t key = 1;
        jobs[i].root = build(&key, DEPTH);
        jobs[i].walks = walks;
        if (!jobs[i].root || pthread_create(&th[i], NULL, worker, &jobs[i]) != 0) {
            fprintf(stderr, "calls: setup failed\n");
            return 2;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);

    int ok = 1;
    for (int i = 1; i < NTHREADS; i++)
        ok &= jobs[i].sum == jobs[0].sum;
    for (int i = 0; i < NTHREADS; i++)
        destroy(jobs[i].root);
    if (!ok) {
        fprintf(stderr, "calls: FAILED: checksums differ\n");
        return 1;
    }
    printf("calls: ok %d threads x %ld walks of %d nodes, checksum %016llx\n", NTHREADS, walks,
           (1 << DEPTH) - 1, (unsigned long long)jobs[0].sum);
    return 0;
}
