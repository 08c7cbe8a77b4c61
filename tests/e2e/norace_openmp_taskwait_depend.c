/* OpenMP waits for dependences: a `taskwait depend(in: x)` and an
 * undeferred task (`if(0)`) with a dependence on x each wait for the task
 * that writes x before reading it: ordered, no race. LLVM 14's own tool
 * crashed at both (a SIGSEGV inside libarcher.so, natively under
 * ThreadSanitizer too); crace keeps the wait's stand-in task from the tool
 * and tells it of a taskwait once the wait is over. */
#include <omp.h>
#include <stdio.h>

int main(void)
{
    int x = 0, y = 0;
#pragma omp parallel num_threads(4)
#pragma omp single
    {
#pragma omp task depend(inout : x) shared(x)
        x++;
#pragma omp taskwait depend(in : x)
        printf("x=%d\n", x);
#pragma omp task depend(inout : y) shared(y)
        y += 2;
#pragma omp task depend(in : y) shared(y) if (0)
        printf("y=%d\n", y);
    }
    return 0;
}

// CFLAGS: -fopenmp
// EXPECT-EXIT: 0
// EXPECT: x=1
// EXPECT: y=2
// EXPECT-NOT: WARNING
// EXPECT-NOT: panic
