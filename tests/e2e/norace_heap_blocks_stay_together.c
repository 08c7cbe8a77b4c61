/* Blocks a program allocates one after another lie one after another
 * under crace as they do natively: the detector's own records of them
 * (each block's allocation stack) are kept out of the program's heap.
 * A tree built by recursion gives every node a stack of its own; when the
 * stacks were stored in the heap, an entry sat after nearly every node
 * (32-byte nodes 176 bytes apart instead of 48), and blocks another thread
 * allocated later filled the gaps between them, sharing their cache lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NODES 1023

struct node {
    struct node *left, *right;
    uint64_t key, visits;
};

static struct node *all[NODES];
static int n_all;

static struct node *build(int depth)
{
    if (depth == 0)
        return NULL;
    struct node *n = calloc(1, sizeof *n);
    all[n_all++] = n;
    n->left = build(depth - 1);
    n->right = build(depth - 1);
    return n;
}

int main(void)
{
    /* glibc's chunk for a block of this size: the size and a header word,
     * rounded up to 16 bytes. */
    intptr_t stride = (sizeof(struct node) + 8 + 15) & ~(intptr_t)15;
    build(10);
    int in_row = 0;
    for (int i = 1; i < n_all; i++)
        in_row += (char *)all[i] - (char *)all[i - 1] == stride;
    printf("nodes: %d, in a row: %s\n", n_all, in_row >= n_all * 9 / 10 ? "most" : "few");
    if (in_row < n_all * 9 / 10)
        fprintf(stderr, "%d of %d nodes follow the one before by %ld bytes\n", in_row, n_all - 1, (long)stride);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: nodes: 1023, in a row: most
// EXPECT-NOT: WARNING
