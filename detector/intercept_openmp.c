/*
 * intercept_openmp.c: the OpenMP runtime's task descriptors.
 *
 * A task's descriptor (its firstprivate copies and its block of shared
 * variables' addresses, written by the creating thread and read by the
 * one that runs it) comes from libomp's own allocator, which recycles it
 * once the task is done, possibly for a task another thread creates, with
 * synchronisation the detector does not see: the copy into a recycled
 * descriptor raced, as far as the shadow knew, with the last task's
 * accesses there. A descriptor the program's code asks for
 * (__kmpc_omp_task_alloc, which clang emits) is fresh memory, as a
 * malloc'd block is: its shadow is forgotten. (gcc's GOMP_task allocates
 * inside the runtime, which copies the arguments in: intercept_libc.c
 * treats the runtime's own copies the same way.) openmp.c makes the
 * runtime's synchronisation visible.
 */
#include <stddef.h>
#include <stdint.h>

#include "intercept.h"
#include "shadow.h"

/* libomp's kmp_task_t as far as the program sees it: the address of the
 * task's block of shared variables' addresses comes first; the block
 * lies after the descriptor. */
struct omp_task_head {
    void *shareds;
};

static void fresh_task_memory(crace_thread *thr, struct omp_task_head *task, size_t sizeof_task,
                              size_t sizeof_shareds)
{
    thr->in_shim++;
    shadow_reset((uintptr_t)task, sizeof_task);
    if (task->shareds && sizeof_shareds)
        shadow_reset((uintptr_t)task->shareds, sizeof_shareds);
    thr->in_shim--;
}

INTERCEPTOR(struct omp_task_head *, __kmpc_omp_task_alloc, void *loc, int32_t gtid, int32_t flags,
            size_t sizeof_task, size_t sizeof_shareds, int32_t (*entry)(int32_t, void *))
{
    INTERCEPTOR_ENTER(__kmpc_omp_task_alloc, loc, gtid, flags, sizeof_task, sizeof_shareds, entry);
    struct omp_task_head *task = REAL(__kmpc_omp_task_alloc)(loc, gtid, flags, sizeof_task, sizeof_shareds, entry);
    if (task)
        fresh_task_memory(thr, task, sizeof_task, sizeof_shareds);
    return task;
}
