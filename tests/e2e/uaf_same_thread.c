/* One thread frees a block in one function and writes it in another:
 * nothing races (one thread), but the write uses freed memory, a heap
 * use after free. The free's stack is restored from the history. (Past
 * the first 16 bytes, where glibc keeps a freed chunk's links.) */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static void release(int *p)
{
    free(p); // LINE:free
}

__attribute__((noinline)) static void touch(volatile int *p)
{
    p[10] = 42; // LINE:use
}

int main(void)
{
    int *p = malloc(25 * sizeof(int)); // LINE:alloc
    release(p);
    touch(p); // LINE:call
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: ==================
// EXPECT: WARNING: HEAP USE AFTER FREE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   touch()
// EXPECT:       {{FILE}}:{{LINE:use}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:call}} {{OFF}}
// EXPECT: Previous free at {{ADDR}} by main goroutine:
// EXPECT:   release()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
// EXPECT: Location is freed heap block of size 100 at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:alloc}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 heap use after free(s)
// EXPECT-COUNT: 1 WARNING: HEAP USE AFTER FREE
// EXPECT-NOT: DATA RACE
