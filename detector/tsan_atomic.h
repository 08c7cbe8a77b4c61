/*
 * tsan_atomic.h: what the rest of the shim tells the compiler ABI's
 * atomic operations (tsan_atomic.c).
 */
#ifndef CRACE_TSAN_ATOMIC_H
#define CRACE_TSAN_ATOMIC_H

#include <stdint.h>

/* An instrumented module is being set up (its __tsan_init call, from
 * code at pc, before any of its code runs). */
void crace_atomic_module_init(uintptr_t pc);

#endif /* CRACE_TSAN_ATOMIC_H */
