/* Many small tasks, each with its own copy of k (firstprivate), which it
 * changes: the OpenMP runtime recycles a finished task's descriptor for a
 * new task, possibly created on another thread, with synchronisation the
 * detector does not see. The new task's copy of k lands where the last
 * task wrote its own: fresh memory, no race (it was reported in some runs
 * with clang, nearly every run with gcc). The twin,
 * race_openmp_tasks_shared.c, has the tasks write one variable. */
#include <omp.h>
#include <stdio.h>

#define N 20000
static int out[N];

int main(void)
{
#pragma omp parallel num_threads(4)
#pragma omp single
    for (int k = 0; k < N; k++) {
#pragma omp task firstprivate(k)
        {
            k++;
            out[k - 1] = k;
        }
    }
    long sum = 0;
    for (int k = 0; k < N; k++)
        sum += out[k];
    printf("sum=%ld\n", sum);
    return 0;
}

// CFLAGS: -fopenmp
// EXPECT-EXIT: 0
// EXPECT: sum=200010000
// EXPECT-NOT: WARNING
// EXPECT-NOT: crace: warning
