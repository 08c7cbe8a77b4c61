/* The twin of race_openmp_distinct_locks.c: the two threads write one
 * variable under one OpenMP lock, and count themselves inside one named
 * critical section: ordered, whichever thread comes first. */
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

static int shared_x, seen;
static omp_lock_t lock;

__attribute__((noinline)) static void writer(int value)
{
    omp_set_lock(&lock);
    shared_x = value;
    omp_unset_lock(&lock);
#pragma omp critical(section)
    {
        seen++;
    }
}

int main(void)
{
    omp_init_lock(&lock);
#pragma omp parallel num_threads(2)
    {
        if (omp_get_thread_num() == 1)
            usleep(100 * 1000);
        writer(omp_get_thread_num() + 1);
    }
    omp_destroy_lock(&lock);
    printf("x=%d seen=%d\n", shared_x, seen);
    return 0;
}

// CFLAGS: -fopenmp
// EXPECT-EXIT: 0
// EXPECT: x=2 seen=2
// EXPECT-NOT: WARNING
// EXPECT-NOT: crace: warning
