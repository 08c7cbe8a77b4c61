/* A thread sums an array after it freed it: one report for the loop's 400
 * reads of freed memory, each granule of which is marked freed. Then it
 * reads the array once more, elsewhere: another report, although printing
 * the first one made crace's own libraries allocate (they may have been
 * given the freed block: it stays marked). */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static long sum(volatile const long *a, int n)
{
    long s = 0;
    for (int i = 0; i < n; i++)
        s += a[i]; // LINE:loop
    return s;
}

int main(void)
{
    enum { N = 400 }; /* 3200 bytes: every element marked freed */
    long *a = malloc(N * sizeof(long)); // LINE:alloc
    for (int i = 0; i < N; i++)
        a[i] = i;
    free(a); // LINE:free
    long s = sum(a, N);
    long last = ((volatile long *)a)[N - 1]; // LINE:last
    printf("summed %s\n", s + last ? "something" : "zeros");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: HEAP USE AFTER FREE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   sum()
// EXPECT:       {{FILE}}:{{LINE:loop}} {{OFF}}
// EXPECT: Previous free at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
// EXPECT: Location is freed heap block of size 3200 at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:alloc}} {{OFF}}
// EXPECT: WARNING: HEAP USE AFTER FREE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:last}} {{OFF}}
// EXPECT: Previous free at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
// EXPECT: Found 2 heap use after free(s)
// EXPECT-COUNT: 2 WARNING: HEAP USE AFTER FREE
// EXPECT-NOT: DATA RACE
