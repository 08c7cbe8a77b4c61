/* The twin of norace_openmp_taskwait_depend.c: a `taskwait depend(in: x)`
 * waits for the task that writes x, not for a slower sibling task that
 * writes `late`, which the code after the wait reads: a race (that task
 * is taken by another thread first, not run by the waiting one). */
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

static int late;

int main(void)
{
    int x = 0;
#pragma omp parallel num_threads(4)
#pragma omp single
    {
#pragma omp task shared(late)
        {
            usleep(200 * 1000);
            late = omp_get_thread_num() + 42; // LINE:late
        }
        usleep(50 * 1000); /* another thread has taken the slow task by now */
#pragma omp task depend(inout : x) shared(x)
        x++;
#pragma omp taskwait depend(in : x)
        printf("x=%d late=%d\n", x, late); // LINE:read
#pragma omp taskwait
    }
    return 0;
}

// CFLAGS: -fopenmp
// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT:       {{FILE}}:{{LINE:late}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Location is global 'late' of size 4 at {{ADDR}} (race_openmp_taskwait_depend+{{ADDR}})
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: panic
