/* Memory freed, then handed out again, is the new block's: its writes,
 * the slack past the size asked for that malloc_usable_size reveals
 * included, are no use after free. A block realloc fails to grow lives
 * on. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char *a = malloc(1000);
    memset(a, 1, 1000);
    free(a);
    char *b = malloc(990); /* the same bin: a's chunk again */
    if (b != a) {
        fprintf(stderr, "the freed chunk was not handed out again\n");
        return 3;
    }
    size_t usable = malloc_usable_size(b);
    for (size_t i = 0; i < usable; i++)
        b[i] = (char)i;

    char *c = malloc(64);
    c[0] = 7;
    char *volatile huge = (char *)(uintptr_t)(SIZE_MAX / 4);
    if (realloc(c, (size_t)(uintptr_t)huge) != NULL)
        return 4;
    c[1] = 8; /* realloc failed: c is still c */

    free(b);
    char *d = calloc(1, 1000); /* b's chunk again, zeroed */
    d[999] = 1;
    printf("usable=%s c=%d%d d=%d\n", usable >= 1000 ? "ok" : "short", c[0], c[1], d[999]);
    free(c);
    free(d);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: usable=ok c=78 d=1
// EXPECT-NOT: WARNING
