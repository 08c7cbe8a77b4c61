/* Two OpenMP locks nested one way by thread 0 and, after a barrier, the
 * other way by thread 1: the nestings never overlap, and LLVM's OpenMP
 * tool shadows each OpenMP lock with a mutex of its own, locked inside
 * the tool. Those mutexes are held and order what they protect, as
 * before, but add no lock-order edges: no POTENTIAL DEADLOCK made of the
 * tool's frames (DataRaceBench's DRB188 has this shape). */
#include <omp.h>
#include <stdio.h>

static omp_lock_t a, b;
static int x;

int main(void)
{
    omp_init_lock(&a);
    omp_init_lock(&b);
#pragma omp parallel num_threads(2)
    {
        if (omp_get_thread_num() == 0) {
            omp_set_lock(&a);
            omp_set_lock(&b);
            x++;
            omp_unset_lock(&b);
            omp_unset_lock(&a);
        }
#pragma omp barrier
        if (omp_get_thread_num() == 1) {
            omp_set_lock(&b);
            omp_set_lock(&a);
            x++;
            omp_unset_lock(&a);
            omp_unset_lock(&b);
        }
    }
    omp_destroy_lock(&a);
    omp_destroy_lock(&b);
    printf("x=%d\n", x);
    return 0;
}

// CFLAGS: -fopenmp
// EXPECT-EXIT: 0
// EXPECT: x=2
// EXPECT-NOT: WARNING
// EXPECT-NOT: crace: warning
