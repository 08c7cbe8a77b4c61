/* openmp.h: making an OpenMP runtime's synchronisation visible (openmp.c). */
#ifndef CRACE_OPENMP_H
#define CRACE_OPENMP_H

/* At the shim's start, after its output: sets up LLVM's OpenMP tool
 * when the process has that runtime, warns when its runtime is one the
 * detector cannot see. */
void crace_openmp_init(void);

#endif /* CRACE_OPENMP_H */
