/* Frees of blocks whose size is not a multiple of 8, past the bytes a
 * free marks (4095) and below them with the thread ignoring its accesses
 * (an annotation bracket): each must return. The search for the parts of
 * a block some access touched started again at the granule holding the
 * block's end, found it, and never left. Then realloc of such blocks,
 * whose kept copy is looked for the same way. Nothing races: no report. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void AnnotateIgnoreWritesBegin(const char *file, int line);
void AnnotateIgnoreWritesEnd(const char *file, int line);

static const size_t sizes[] = {4097, 4103, 5001, 10001, (1u << 20) + 3, 3, 13};

static void *other(void *arg)
{
    int *p = arg;
    *p = 42;
    return NULL;
}

int main(void)
{
    size_t total = 0;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char *p = malloc(sizes[i]);
        memset(p, (int)i, sizes[i]);
        total += (unsigned char)p[sizes[i] - 1];
        free(p);
        char *q = malloc(sizes[i]);
        memset(q, 1, sizes[i]);
        q = realloc(q, sizes[i] * 3 + 1);
        memset(q, 2, sizes[i] * 3 + 1);
        q = realloc(q, sizes[i] + 5);
        total += (unsigned char)q[sizes[i] + 4];
        free(q);
    }
    /* A block another thread wrote, freed inside an ignore bracket. */
    int *x = malloc(sizeof(int));
    pthread_t th;
    pthread_create(&th, NULL, other, x);
    pthread_join(th, NULL);
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
    free(x);
    AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
    printf("total=%zu\n", total);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: total=35
// EXPECT-NOT: WARNING
