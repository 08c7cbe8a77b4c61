/* The twin of norace_openmp.c: two threads of a parallel region write one
 * shared variable with nothing between them. Reported with both stacks,
 * the worker's creation at the parallel construct, and none of the OpenMP
 * runtime's own frames. */
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

static int shared_x;

__attribute__((noinline)) static void first_writer(void)
{
    shared_x = 1; // LINE:first
}

__attribute__((noinline)) static void second_writer(void)
{
    usleep(100 * 1000);
    shared_x = 2; // LINE:second
}

int main(void)
{
#pragma omp parallel num_threads(2)
    {
        if (omp_get_thread_num() == 1)
            second_writer();
        else
            first_writer();
    }
    printf("x=%d\n", shared_x);
    return 0;
}

// CFLAGS: -fopenmp
// EXPECT-EXIT: 66
// EXPECT: x=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 2:
// EXPECT:   second_writer()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   first_writer()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT: Location is global 'shared_x' of size 4 at {{ADDR}} (race_openmp+{{ADDR}})
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT: ==================
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: libomp
// EXPECT-NOT: crace: warning
