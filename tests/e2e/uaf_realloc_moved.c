/* realloc moves a block (the next one is in the way) and the program
 * keeps reading through the old pointer: a heap use after free, the
 * realloc being the free. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    int *p = malloc(4 * sizeof(int)); // LINE:alloc
    int *blocker = malloc(4 * sizeof(int));
    for (int i = 0; i < 4; i++)
        p[i] = i;
    int *volatile old = p;
    int *q = realloc(p, 1000 * sizeof(int)); // LINE:realloc
    if (!q || q == old) {
        fprintf(stderr, "realloc did not move the block\n");
        return 3;
    }
    int v = ((volatile int *)old)[2]; // LINE:use
    printf("done %d\n", v - v);
    free(q);
    free(blocker);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done 0
// EXPECT: WARNING: HEAP USE AFTER FREE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:use}} {{OFF}}
// EXPECT: Previous free at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:realloc}} {{OFF}}
// EXPECT: Location is freed heap block of size 16 at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:alloc}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: HEAP USE AFTER FREE
