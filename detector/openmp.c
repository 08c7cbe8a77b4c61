/*
 * openmp.c: making an OpenMP runtime's synchronisation visible.
 *
 * An OpenMP program synchronises inside its runtime (the fork and join of
 * a parallel region, barriers, critical sections, tasks and their
 * dependences, locks), with futexes and atomics in uninstrumented code
 * that the detector never sees: every shared variable of a correct
 * program would be reported. LLVM's runtime (libomp) tells a tool about
 * each of those events through the OMPT interface, and ships the tool
 * that turns them into ThreadSanitizer's annotations (libarcher.so, next
 * to it), which the shim implements (tsan_annotate.c): RunningOnValgrind
 * to be found, the happens-before and ignore annotations, new memory.
 * So when libomp is in the process, the shim points the runtime at that
 * tool before the runtime starts (at its first OpenMP call, after the
 * constructors), unless the program's environment names tools of its
 * own, and adds ignore_noninstrumented_modules=1 to TSAN_OPTIONS, which
 * the tool checks for (the detector never sees the runtime's own
 * accesses anyway) and warns without.
 *
 * GCC's runtime (libgomp) has no such interface. `crace cc` links a
 * program that gcc compiles with -fopenmp against libomp too, ahead of
 * libgomp, so that its GOMP_* calls go to libomp (which implements
 * GCC's entry points); a program whose OpenMP calls still go to libgomp,
 * or a libomp without its tool, gets a warning: its reports may be
 * false.
 *
 * Task descriptors, which the runtime recycles: intercept_openmp.c.
 */
#include "openmp.h"

#include <dlfcn.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "module.h"
#include "rt.h"

/* The tool the shim loads itself (crace_openmp_tool_path), or "". */
static char tool_path[PATH_MAX + 32];

/* The file that defines symbol in the process, or NULL. */
static const char *defining_file(const char *symbol)
{
    return crace_module_file(dlsym(RTLD_DEFAULT, symbol));
}

/* TSAN_OPTIONS with ignore_noninstrumented_modules=1 in it. */
static void tsan_options_for_tool(void)
{
    const char *old = getenv("TSAN_OPTIONS");
    if (old && strstr(old, "ignore_noninstrumented_modules=1"))
        return;
    char buf[4096];
    int n = snprintf(buf, sizeof(buf), "%s%signore_noninstrumented_modules=1", old ? old : "",
                     old && old[0] ? " " : "");
    if (n > 0 && (size_t)n < sizeof(buf))
        setenv("TSAN_OPTIONS", buf, 1);
}

void crace_openmp_init(void)
{
    const char *gomp = defining_file("GOMP_parallel");
    const char *kmp = defining_file("__kmpc_fork_call");
    if (gomp && strstr(gomp, "libgomp")) {
        crace_printf("crace: warning: this program's OpenMP runtime is GCC's (%s), whose synchronisation "
                     "the detector cannot see: reports on data shared by OpenMP threads may be false. Link "
                     "it with `crace cc` (which adds LLVM's libomp, Debian package libomp-14-dev) or build it "
                     "with clang\n",
                     gomp);
        return;
    }
    if (!kmp)
        return; /* not an OpenMP program */
    /* The tool beside the runtime, the runtime's directory resolved: the
     * one the process loaded may be a link from a directory of links. */
    char dir[PATH_MAX], tool[PATH_MAX + 32];
    if (!realpath(kmp, dir)) {
        crace_printf("crace: warning: cannot resolve the OpenMP runtime's path %s\n", kmp);
        return;
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    snprintf(tool, sizeof(tool), "%s/libarcher.so", dir);
    if (access(tool, R_OK) != 0) {
        crace_printf("crace: warning: LLVM's OpenMP runtime %s is here without its tool %s (Debian package "
                     "libomp-14-dev): the detector cannot see OpenMP's synchronisation, and reports on data "
                     "shared by OpenMP threads may be false\n",
                     kmp, tool);
        return;
    }
    const char *tools = getenv("OMP_TOOL_LIBRARIES");
    if (tools && tools[0])
        return; /* the program's own choice */
    /* The runtime is pointed at the shim, whose ompt_start_tool loads the
     * tool and stands in front of it (intercept_openmp.c). */
    Dl_info self;
    if (!dladdr((void *)crace_openmp_init, &self) || !self.dli_fname) {
        setenv("OMP_TOOL_LIBRARIES", tool, 1);
    } else {
        snprintf(tool_path, sizeof(tool_path), "%s", tool);
        setenv("OMP_TOOL_LIBRARIES", self.dli_fname, 1);
    }
    tsan_options_for_tool();
}

const char *crace_openmp_tool_path(void)
{
    return tool_path[0] ? tool_path : NULL;
}
