/* openmp.h: making an OpenMP runtime's synchronisation visible (openmp.c). */
#ifndef CRACE_OPENMP_H
#define CRACE_OPENMP_H

/* At the shim's start, after its output: sets up LLVM's OpenMP tool
 * when the process has that runtime, warns when its runtime is one the
 * detector cannot see. */
void crace_openmp_init(void);

/* The OpenMP tool crace_openmp_init chose (LLVM's, beside the runtime),
 * which the shim's own ompt_start_tool loads and stands in front of
 * (intercept_openmp.c); NULL when none was chosen (no OpenMP runtime, or
 * the program names tools of its own in OMP_TOOL_LIBRARIES). */
const char *crace_openmp_tool_path(void);

#endif /* CRACE_OPENMP_H */
