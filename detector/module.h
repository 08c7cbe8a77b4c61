/*
 * module.h: which loaded ELF modules carry -fsanitize=thread
 * instrumentation.
 *
 * An instrumented function keeps the shadow call stack up to date, so the
 * stack at a call from it is its pc plus the shadow stack: cheap. A call
 * from uninstrumented code (libgochan's go() calling pthread_create, a
 * library's malloc) has frames the shadow stack never saw, and is unwound
 * for real instead.
 */
#ifndef CRACE_MODULE_H
#define CRACE_MODULE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* True when pc lies in a module that calls __tsan_func_entry. Unknown
 * addresses (JIT code, a module loaded since the last look, which
 * triggers a new look) count as uninstrumented. Lock-free. */
bool crace_pc_instrumented(uintptr_t pc);

/* True when pc lies in a shared library without the instrumentation
 * (libomp, libstdc++, a library built without crace cc): not the main
 * program, whatever its build. Looks again for an unknown module, as
 * crace_pc_instrumented does. */
bool crace_pc_in_library(uintptr_t pc);

/* True when pc lies in the shim's own code: a call the shim makes on its
 * own behalf (compiler-generated memcpy included), never checked. From
 * the shim's program headers, not the table: usable before anything is
 * initialised. */
bool crace_pc_in_shim(uintptr_t pc);

/* True when pc lies in a copy of the fast path's function entry or exit
 * (the shim's, or one a module gave with CRACE_FAST_START): a signal
 * handler run there would interleave its history with theirs (access.h).
 * Lock-free and async-signal-safe. */
bool crace_pc_in_hist_text(uintptr_t pc);

/* True when pc lies in LLVM's OpenMP tool (libarcher, openmp.c), which
 * imports __tsan_func_entry (crace_pc_instrumented holds for it). A
 * compare with the table as it is, no new look: for a pc that
 * crace_pc_instrumented has just been asked about. */
bool crace_pc_in_openmp_tool(uintptr_t pc);

/* True when pc lies in LLVM's OpenMP runtime (libomp). As
 * crace_pc_in_openmp_tool, a compare with the table as it is: the runtime
 * is loaded with the program, before the table's first build. */
bool crace_pc_in_openmp_runtime(uintptr_t pc);

/* True when the OpenMP tool's code (pc) takes a lock in its own static
 * data: LLVM 14's libarcher guards its table of per-lock mutexes with one
 * global mutex, taken at every OpenMP lock and critical section event,
 * whatever lock it names. Its bookkeeping, not the program's
 * synchronisation: as happens-before it would order every OpenMP lock
 * operation after every earlier one on any lock, and hide the races
 * between threads that use different locks. As crace_pc_in_openmp_tool,
 * no new look at the modules. */
bool crace_openmp_tool_own_lock(uintptr_t pc, uintptr_t lock);

/* True when the module holding pc imports the symbol name (a PLT or GOT
 * relocation names it): what the module's code may call. A module whose
 * base address is *looked (the last one asked about) is not looked at
 * again: false. Takes the loader's lock (dl_iterate_phdr): for module
 * set-up. */
bool crace_module_imports(uintptr_t pc, const char *name, _Atomic uintptr_t *looked);

/* The file of the loaded module that holds addr (code or data), or NULL
 * when none is known. */
const char *crace_module_file(const void *addr);

/* Stops the program, exit status 1, with a message naming the file, when
 * a sanitizer's runtime is loaded beside the shim: ThreadSanitizer's
 * (built with -fsanitize=thread instead of `crace cc`), AddressSanitizer's
 * and the like intercept the calls crace intercepts, and the two
 * interceptors of one call wait for each other (a pthread_create never
 * returned). For crace_init. */
void crace_refuse_sanitizer_runtime(void);

#endif /* CRACE_MODULE_H */
