/*
 * intercept_openmp.c: the OpenMP runtime's task descriptors, and the shim
 * standing between the runtime and its tool.
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
 *
 * And the tool: the runtime is pointed at the shim (openmp.c), whose
 * ompt_start_tool loads LLVM's tool and stands between the two, passing
 * everything through but one event. LLVM 14's tool dies (a SIGSEGV) on
 * the dependences of a wait, which the runtime reports on the task that
 * waits, an implicit one, when a `taskwait depend(...)` or an undeferred
 * task (`if(0)`) with dependences waits for its predecessors: those are
 * not given to the tool, and once the wait is over the tool hears of a
 * taskwait instead (the waiting task then happens after the child tasks
 * done so far, as after a `taskwait`: more than the dependences order,
 * so a race with an unrelated child that ended before may go unseen).
 * Every such wait goes through __kmpc_omp_wait_deps: clang's code calls
 * it, and so do the runtime's GOMP_task and GOMP_taskwait_depend for gcc's
 * (through the PLT, where the shim's definition comes first).
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "intercept.h"
#include "openmp.h"

/* libomp's kmp_task_t as far as the program sees it: the address of the
 * task's block of shared variables' addresses comes first; the block
 * lies after the descriptor. */
struct omp_task_head {
    void *shareds;
};

INTERCEPTOR(struct omp_task_head *, __kmpc_omp_task_alloc, void *loc, int32_t gtid, int32_t flags,
            size_t sizeof_task, size_t sizeof_shareds, int32_t (*entry)(int32_t, void *))
{
    INTERCEPTOR_ENTER(__kmpc_omp_task_alloc, loc, gtid, flags, sizeof_task, sizeof_shareds, entry);
    struct omp_task_head *task = REAL(__kmpc_omp_task_alloc)(loc, gtid, flags, sizeof_task, sizeof_shareds, entry);
    if (task) {
        crace_memory_fresh(thr, (uintptr_t)task, sizeof_task);
        if (task->shareds && sizeof_shareds)
            crace_memory_fresh(thr, (uintptr_t)task->shareds, sizeof_shareds);
    }
    return task;
}

/* ---------------------------------------------------------------- the tool */

/* OMPT, the OpenMP tools interface (OpenMP 5.0, section 4): the types and
 * values used here. */
typedef union {
    uint64_t value;
    void *ptr;
} ompt_data;
typedef void (*ompt_fn)(void);
typedef ompt_fn (*ompt_lookup_fn)(const char *name);
struct ompt_start_result {
    int (*initialize)(ompt_lookup_fn lookup, int initial_device, ompt_data *tool_data);
    void (*finalize)(ompt_data *tool_data);
    ompt_data tool_data;
};
typedef struct ompt_start_result *(*ompt_start_fn)(unsigned omp_version, const char *runtime_version);
typedef int (*ompt_set_callback_fn)(int event, ompt_fn callback);
typedef int (*ompt_get_task_info_fn)(int level, int *flags, ompt_data **task_data, void **frame,
                                     ompt_data **parallel_data, int *thread_num);
typedef void (*ompt_dependences_fn)(ompt_data *task_data, const void *deps, int ndeps);
typedef void (*ompt_task_schedule_fn)(ompt_data *prior_task, int prior_status, ompt_data *next_task);
typedef void (*ompt_sync_region_fn)(int kind, int endpoint, ompt_data *parallel_data, ompt_data *task_data,
                                    const void *codeptr);
enum {
    OMPT_CALLBACK_TASK_SCHEDULE = 6,
    OMPT_CALLBACK_DEPENDENCES = 18,
    OMPT_CALLBACK_SYNC_REGION = 23,
    OMPT_SYNC_REGION_TASKWAIT = 5,
    OMPT_SCOPE_BEGINEND = 3,
    OMPT_TASK_INITIAL = 0x1,
    OMPT_TASK_IMPLICIT = 0x2,
};

/* Set once, by the runtime's first thread, before any event. */
static struct {
    struct ompt_start_result *tool; /* the tool's own start result */
    ompt_lookup_fn lookup;
    ompt_set_callback_fn set_callback;
    ompt_get_task_info_fn get_task_info;
    ompt_dependences_fn dependences;
    ompt_task_schedule_fn task_schedule;
    ompt_sync_region_fn sync_region;
} chain;
static struct ompt_start_result chained;

/* This thread is inside a wait for dependences (in_wait), and the tool
 * was kept from hearing of them (wait_task: the runtime's stand-in task
 * for the wait, which the tool must not hear of at all): it hears of a
 * taskwait once the wait is over. Other tasks this thread runs while it
 * waits are the tool's as usual. */
static CRACE_TLS bool in_wait;
static CRACE_TLS ompt_data *wait_task;

static void chained_dependences(ompt_data *task_data, const void *deps, int ndeps)
{
    if (in_wait && !wait_task) {
        wait_task = task_data;
        return;
    }
    chain.dependences(task_data, deps, ndeps);
}

static void chained_task_schedule(ompt_data *prior_task, int prior_status, ompt_data *next_task)
{
    if (wait_task && (prior_task == wait_task || next_task == wait_task))
        return;
    chain.task_schedule(prior_task, prior_status, next_task);
}

/* A wait for dependences is over (the program's call at pc). */
static void wait_over(uintptr_t pc)
{
    in_wait = false;
    if (!wait_task)
        return;
    wait_task = NULL;
    int flags = 0, thread_num = 0;
    ompt_data *task = NULL, *parallel = NULL;
    void *frame = NULL;
    if (chain.sync_region && chain.get_task_info &&
        chain.get_task_info(0, &flags, &task, &frame, &parallel, &thread_num) == 2)
        chain.sync_region(OMPT_SYNC_REGION_TASKWAIT, OMPT_SCOPE_BEGINEND, parallel, task, (const void *)pc);
}

static int chained_set_callback(int event, ompt_fn callback)
{
    if (event == OMPT_CALLBACK_DEPENDENCES && callback) {
        chain.dependences = (ompt_dependences_fn)callback;
        callback = (ompt_fn)chained_dependences;
    } else if (event == OMPT_CALLBACK_TASK_SCHEDULE && callback) {
        chain.task_schedule = (ompt_task_schedule_fn)callback;
        callback = (ompt_fn)chained_task_schedule;
    } else if (event == OMPT_CALLBACK_SYNC_REGION) {
        chain.sync_region = (ompt_sync_region_fn)callback;
    }
    return chain.set_callback(event, callback);
}

static ompt_fn chained_lookup(const char *name)
{
    if (strcmp(name, "ompt_set_callback") == 0)
        return (ompt_fn)chained_set_callback;
    return chain.lookup(name);
}

static int chained_initialize(ompt_lookup_fn lookup, int initial_device, ompt_data *tool_data)
{
    (void)tool_data;
    chain.lookup = lookup;
    chain.set_callback = (ompt_set_callback_fn)lookup("ompt_set_callback");
    chain.get_task_info = (ompt_get_task_info_fn)lookup("ompt_get_task_info");
    if (!chain.set_callback)
        return 0;
    return chain.tool->initialize(chained_lookup, initial_device, &chain.tool->tool_data);
}

static void chained_finalize(ompt_data *tool_data)
{
    (void)tool_data;
    if (chain.tool->finalize)
        chain.tool->finalize(&chain.tool->tool_data);
}

/* The runtime's search for a tool: found in the process, or through
 * OMP_TOOL_LIBRARIES, which openmp.c points at the shim. */
CRACE_EXPORT struct ompt_start_result *ompt_start_tool(unsigned omp_version, const char *runtime_version)
{
    const char *path = crace_openmp_tool_path();
    if (!path || chain.tool)
        return chain.tool ? &chained : NULL;
    void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    ompt_start_fn start = h ? (ompt_start_fn)dlsym(h, "ompt_start_tool") : NULL;
    chain.tool = start ? start(omp_version, runtime_version) : NULL;
    if (!chain.tool)
        return NULL;
    chained = (struct ompt_start_result){chained_initialize, chained_finalize, {0}};
    return &chained;
}

/* Every wait for dependences (above). */
INTERCEPTOR(void, __kmpc_omp_wait_deps, void *loc, int32_t gtid, int32_t ndeps, void *deps, int32_t ndeps_noalias,
            void *noalias_deps)
{
    INTERCEPTOR_ENTER(__kmpc_omp_wait_deps, loc, gtid, ndeps, deps, ndeps_noalias, noalias_deps);
    in_wait = true;
    REAL(__kmpc_omp_wait_deps)(loc, gtid, ndeps, deps, ndeps_noalias, noalias_deps);
    wait_over(CALLER_PC());
}
