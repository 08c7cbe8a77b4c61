/* OpenMP's own synchronisation, seen through LLVM's runtime and its tool
 * (detector/openmp.c; `crace cc` links gcc's OpenMP programs with that
 * runtime): the fork and join of parallel regions, worksharing loops and
 * their implicit barriers, reductions, critical sections, atomics,
 * explicit barriers, single, master, sections, ordered, OpenMP locks,
 * tasks with dependences and taskwait. Every shared variable here is
 * accessed correctly: no report. */
#include <omp.h>
#include <stdio.h>

enum { N = 2000 };
static int a[N], b[N];
static long total, crit_count, atomic_count, master_seen, single_value;
static long pipeline[3];
static omp_lock_t lock;
static long locked_count;
static int order[64], order_next;

int main(void)
{
    omp_init_lock(&lock);
#pragma omp parallel for
    for (int i = 0; i < N; i++)
        a[i] = i;
#pragma omp parallel for
    for (int i = 0; i < N; i++)
        b[i] = a[N - 1 - i] * 2; /* reads what other threads wrote, after the join */

#pragma omp parallel
    {
#pragma omp for reduction(+ : total)
        for (int i = 0; i < N; i++)
            total += b[i];
        /* implicit barrier: total is complete */
#pragma omp critical
        crit_count++;
#pragma omp atomic
        atomic_count++;
        omp_set_lock(&lock);
        locked_count++;
        omp_unset_lock(&lock);
#pragma omp barrier
#pragma omp single
        single_value = crit_count + atomic_count + locked_count;
        /* implicit barrier after single */
#pragma omp master
        master_seen = single_value;
#pragma omp barrier
        if (master_seen != single_value)
            a[0] = -1; /* never: every thread reads after the barrier */
#pragma omp sections
        {
#pragma omp section
            b[0] = 7;
#pragma omp section
            b[1] = 8;
        }
#pragma omp for ordered schedule(dynamic)
        for (int i = 0; i < 64; i++) {
#pragma omp ordered
            order[order_next++] = i;
        }
    }

#pragma omp parallel
#pragma omp single
    {
#pragma omp task depend(out : pipeline[0])
        pipeline[0] = 1;
#pragma omp task depend(in : pipeline[0]) depend(out : pipeline[1])
        pipeline[1] = pipeline[0] + 1;
#pragma omp task depend(in : pipeline[1]) depend(out : pipeline[2])
        pipeline[2] = pipeline[1] + 1;
#pragma omp taskwait
        pipeline[0] += pipeline[2];
    }
    omp_destroy_lock(&lock);

    int in_order = 1;
    for (int i = 0; i < 64; i++)
        in_order &= order[i] == i;
    printf("total=%ld counts=%ld in_order=%d pipeline=%ld sections=%d%d\n", total, single_value, in_order,
           pipeline[0], b[0], b[1]);
    return 0;
}

// CFLAGS: -fopenmp
// ENV: OMP_NUM_THREADS=4
// EXPECT-EXIT: 0
// EXPECT: total=3998000 counts=12 in_order=1 pipeline=4 sections=78
// EXPECT-NOT: WARNING
// EXPECT-NOT: crace: warning
