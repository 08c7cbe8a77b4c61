/* Blocks a program allocates one after another lie one after another
 * under crace as they do natively: the detector's own records of them
 * (each block's allocation stack, the table of live blocks) are kept out
 * of the program's heap. A tree built by recursion gives every node a
 * stack of its own; when the stacks were stored in the heap, an entry sat
 * after nearly every node (32-byte nodes 176 bytes apart instead of 48).
 * And the table of live blocks, growing as the first tree was built, left
 * its old arrays' holes among that tree's nodes, which the second tree's
 * nodes filled: two trees that two threads then work on shared cache
 * lines, where natively each lies apart. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NODES 1023

struct node {
    struct node *left, *right;
    uint64_t key, visits;
};

struct tree {
    struct node *all[NODES];
    int n;
};

static struct tree trees[2];

static struct node *build(struct tree *t, int depth)
{
    if (depth == 0)
        return NULL;
    struct node *n = calloc(1, sizeof *n);
    t->all[t->n++] = n;
    n->left = build(t, depth - 1);
    n->right = build(t, depth - 1);
    return n;
}

int main(void)
{
    /* glibc's chunk for a block of this size: the size and a header word,
     * rounded up to 16 bytes. */
    intptr_t stride = (sizeof(struct node) + 8 + 15) & ~(intptr_t)15;
    build(&trees[0], 10);
    build(&trees[1], 10);
    const struct tree *a = &trees[0], *b = &trees[1];

    int in_row = 0;
    char *lo = (char *)a->all[0], *hi = lo;
    for (int i = 1; i < a->n; i++) {
        char *p = (char *)a->all[i];
        in_row += p - (char *)a->all[i - 1] == stride;
        lo = p < lo ? p : lo;
        hi = p > hi ? p : hi;
    }
    int inside = 0;
    for (int i = 0; i < b->n; i++)
        inside += (char *)b->all[i] >= lo && (char *)b->all[i] <= hi;

    printf("nodes: %d, in a row: %s\n", a->n, in_row >= a->n * 9 / 10 ? "most" : "few");
    printf("second tree among the first's nodes: %s\n", inside ? "some" : "none");
    if (in_row < a->n * 9 / 10 || inside)
        fprintf(stderr, "%d of %d nodes follow the one before by %ld bytes; %d of the second tree's among them\n",
                in_row, a->n - 1, (long)stride, inside);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: nodes: 1023, in a row: most
// EXPECT: second tree among the first's nodes: none
// EXPECT-NOT: WARNING
