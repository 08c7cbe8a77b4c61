/* The twin of norace_openmp_tasks_recycled.c: the tasks also add to one
 * shared counter, with nothing ordering them. */
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

#define N 2000
static int out[N];
static long total;

int main(void)
{
#pragma omp parallel num_threads(4)
#pragma omp single
    for (int k = 0; k < N; k++) {
#pragma omp task firstprivate(k)
        {
            out[k] = k;
            total += k; // LINE:total
            usleep(100);
        }
    }
    printf("total=%ld\n", total);
    return 0;
}

// CFLAGS: -fopenmp
// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Location is global 'total' of size 8 at {{ADDR}} (race_openmp_tasks_shared+{{ADDR}})
// EXPECT-NOT: crace: warning
