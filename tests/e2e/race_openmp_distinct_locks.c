/* Two threads of a parallel region write one variable, each next to its
 * own OpenMP lock and its own named critical section: different locks
 * order nothing. LLVM's OpenMP tool takes one global mutex of its own at
 * every lock and critical-section event, whatever lock it names; taken
 * for the program's synchronisation, it ordered every such event after
 * all earlier ones, and this race went unreported in every run. The
 * twin, norace_openmp_same_lock.c, takes one lock on both sides. */
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

static int shared_x;
static omp_lock_t lock_a, lock_b;

__attribute__((noinline)) static void first_writer(void)
{
    shared_x = 1; // LINE:first
    omp_set_lock(&lock_a);
    omp_unset_lock(&lock_a);
#pragma omp critical(first_section)
    {
    }
}

__attribute__((noinline)) static void second_writer(void)
{
    usleep(100 * 1000);
#pragma omp critical(second_section)
    {
    }
    omp_set_lock(&lock_b);
    omp_unset_lock(&lock_b);
    shared_x = 2; // LINE:second
}

int main(void)
{
    omp_init_lock(&lock_a);
    omp_init_lock(&lock_b);
#pragma omp parallel num_threads(2)
    {
        if (omp_get_thread_num() == 1)
            second_writer();
        else
            first_writer();
    }
    omp_destroy_lock(&lock_a);
    omp_destroy_lock(&lock_b);
    printf("x=%d\n", shared_x);
    return 0;
}

// CFLAGS: -fopenmp
// EXPECT-EXIT: 66
// EXPECT: x=2
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 2:
// EXPECT:   second_writer()
// EXPECT:       {{FILE}}:{{LINE:second}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   first_writer()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-NOT: crace: warning
