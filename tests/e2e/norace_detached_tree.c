/* Goroutines that start goroutines and return at once: a tree of 511
 * detached threads, each node handing its children a value of its own
 * (through memory it allocates and the child frees), the leaves counting
 * themselves in. Grown three times over. A detached child may start, end
 * and be gone before its creator has returned from pthread_create: the
 * creator must not touch the child's bookkeeping then (the shim once
 * wrote into a freed record here, and glibc's allocator aborted the
 * program in about half the runs). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define DEPTH 8 /* 2^(DEPTH+1) - 1 nodes */

struct node {
    int depth;
    long path; /* the parent's value, extended */
};

static atomic_long leaves, path_sum, nodes_done;

static void *grow(void *arg)
{
    struct node *n = arg;
    int depth = n->depth;
    long path = n->path;
    free(n);
    if (depth == 0) {
        atomic_fetch_add(&path_sum, path);
        atomic_fetch_add(&leaves, 1);
    } else {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        for (int i = 0; i < 2; i++) {
            struct node *c = malloc(sizeof *c);
            c->depth = depth - 1;
            c->path = path * 2 + i;
            pthread_t t;
            if (pthread_create(&t, &attr, grow, c) != 0) {
                fprintf(stderr, "pthread_create failed\n");
                exit(1);
            }
        }
        pthread_attr_destroy(&attr);
    }
    atomic_fetch_add(&nodes_done, 1);
    return NULL;
}

int main(void)
{
    const long nodes = (2L << DEPTH) - 1;
    for (int round = 1; round <= 3; round++) {
        struct node *root = malloc(sizeof *root);
        root->depth = DEPTH;
        root->path = 1;
        grow(root);
        while (atomic_load(&nodes_done) < round * nodes) {
            struct timespec ts = {0, 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    /* Leaf paths are 2^DEPTH .. 2^(DEPTH+1) - 1, once each per round. */
    long want = 3 * ((1L << DEPTH) * ((1L << DEPTH) + (2L << DEPTH) - 1) / 2);
    printf("%ld leaves, paths %s\n", atomic_load(&leaves), atomic_load(&path_sum) == want ? "right" : "wrong");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 768 leaves, paths right
// EXPECT-NOT: WARNING
// EXPECT-NOT: SIGABRT
// EXPECT-NOT: SIGSEGV
