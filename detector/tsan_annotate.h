/*
 * tsan_annotate.h: ThreadSanitizer's interface beyond the compiler ABI
 * that crace gives programs and tests written for it: defined by the
 * shim (tsan_annotate.c) and, as no-ops, by the stub (stub/stub.c), both
 * checked against these declarations.
 */
#ifndef CRACE_TSAN_ANNOTATE_H
#define CRACE_TSAN_ANNOTATE_H

#include "rt.h"

/* Internal: the program opens (at pc) or closes an ignore bracket
 * (tsan_annotate.c; the compiler ABI's __tsan_ignore_thread_* too). */
void crace_annotated_ignore_begin(uintptr_t pc);
void crace_annotated_ignore_end(void);

/* test.h of ThreadSanitizer's suite. */
CRACE_EXPORT void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count);
CRACE_EXPORT void __tsan_testonly_barrier_wait(unsigned *barrier);
CRACE_EXPORT unsigned long __tsan_testonly_shadow_stack_current_size(void);

/* <sanitizer/tsan_interface.h> */
CRACE_EXPORT void __tsan_acquire(void *addr);
CRACE_EXPORT void __tsan_release(void *addr);
CRACE_EXPORT void __tsan_mutex_create(void *addr, unsigned flags);
CRACE_EXPORT void __tsan_mutex_destroy(void *addr, unsigned flags);
CRACE_EXPORT void __tsan_mutex_pre_lock(void *addr, unsigned flags);
CRACE_EXPORT void __tsan_mutex_post_lock(void *addr, unsigned flags, int recursion);
CRACE_EXPORT int __tsan_mutex_pre_unlock(void *addr, unsigned flags);
CRACE_EXPORT void __tsan_mutex_post_unlock(void *addr, unsigned flags);
CRACE_EXPORT void __tsan_mutex_pre_signal(void *addr, unsigned flags);
CRACE_EXPORT void __tsan_mutex_post_signal(void *addr, unsigned flags);
CRACE_EXPORT void __tsan_mutex_pre_divert(void *addr, unsigned flags);
CRACE_EXPORT void __tsan_mutex_post_divert(void *addr, unsigned flags);

/* The dynamic annotations (Valgrind's names). */
CRACE_EXPORT void AnnotateHappensBefore(const char *file, int line, const volatile void *addr);
CRACE_EXPORT void AnnotateHappensAfter(const char *file, int line, const volatile void *addr);
CRACE_EXPORT void AnnotateRWLockCreate(const char *file, int line, const volatile void *lock);
CRACE_EXPORT void AnnotateRWLockCreateStatic(const char *file, int line, const volatile void *lock);
CRACE_EXPORT void AnnotateRWLockDestroy(const char *file, int line, const volatile void *lock);
CRACE_EXPORT void AnnotateRWLockAcquired(const char *file, int line, const volatile void *lock, long is_w);
CRACE_EXPORT void AnnotateRWLockReleased(const char *file, int line, const volatile void *lock, long is_w);
CRACE_EXPORT void AnnotateBenignRaceSized(const char *file, int line, const volatile void *mem, unsigned long size,
                                          const char *desc);
CRACE_EXPORT void AnnotateBenignRace(const char *file, int line, const volatile void *mem, const char *desc);
CRACE_EXPORT void AnnotateIgnoreReadsBegin(const char *file, int line);
CRACE_EXPORT void AnnotateIgnoreReadsEnd(const char *file, int line);
CRACE_EXPORT void AnnotateIgnoreWritesBegin(const char *file, int line);
CRACE_EXPORT void AnnotateIgnoreWritesEnd(const char *file, int line);
CRACE_EXPORT void AnnotateThreadName(const char *file, int line, const char *name);
CRACE_EXPORT void AnnotateNewMemory(const char *file, int line, const volatile void *mem, unsigned long size);
CRACE_EXPORT void AnnotateIgnoreSyncBegin(const char *file, int line);
CRACE_EXPORT void AnnotateIgnoreSyncEnd(const char *file, int line);
CRACE_EXPORT void WTFAnnotateBenignRaceSized(const char *file, int line, const volatile void *mem,
                                             unsigned long size, const char *desc);
CRACE_EXPORT void __tsan_check_no_mutexes_held(void);

/* The older dynamic annotations (Valgrind's and ThreadSanitizer v1's
 * dynamic_annotations.h, WebKit's WTF names): a program built with them
 * enabled must link. */
CRACE_EXPORT void WTFAnnotateHappensBefore(const char *file, int line, const volatile void *addr);
CRACE_EXPORT void WTFAnnotateHappensAfter(const char *file, int line, const volatile void *addr);
CRACE_EXPORT void AnnotateCondVarSignal(const char *file, int line, const volatile void *cv);
CRACE_EXPORT void AnnotateCondVarSignalAll(const char *file, int line, const volatile void *cv);
CRACE_EXPORT void AnnotateCondVarWait(const char *file, int line, const volatile void *cv, const volatile void *lock);
CRACE_EXPORT void AnnotatePCQCreate(const char *file, int line, const volatile void *pcq);
CRACE_EXPORT void AnnotatePCQDestroy(const char *file, int line, const volatile void *pcq);
CRACE_EXPORT void AnnotatePCQPut(const char *file, int line, const volatile void *pcq);
CRACE_EXPORT void AnnotatePCQGet(const char *file, int line, const volatile void *pcq);
CRACE_EXPORT void AnnotateExpectRace(const char *file, int line, const volatile void *mem, const char *desc);
CRACE_EXPORT void AnnotateFlushExpectedRaces(const char *file, int line);
CRACE_EXPORT void AnnotatePublishMemoryRange(const char *file, int line, const volatile void *mem,
                                             unsigned long size);
CRACE_EXPORT void AnnotateUnpublishMemoryRange(const char *file, int line, const volatile void *mem,
                                               unsigned long size);
CRACE_EXPORT void AnnotateMutexIsUsedAsCondVar(const char *file, int line, const volatile void *mu);
CRACE_EXPORT void AnnotateMutexIsNotPHB(const char *file, int line, const volatile void *mu);
CRACE_EXPORT void AnnotateEnableRaceDetection(const char *file, int line, int enable);
CRACE_EXPORT void AnnotateTraceMemory(const char *file, int line, const volatile void *mem);
CRACE_EXPORT void AnnotateFlushState(const char *file, int line);
CRACE_EXPORT void AnnotateNoOp(const char *file, int line, const volatile void *arg);
CRACE_EXPORT void AnnotateMemoryIsInitialized(const char *file, int line, const volatile void *mem,
                                              unsigned long size);
CRACE_EXPORT void AnnotateMemoryIsUninitialized(const char *file, int line, const volatile void *mem,
                                                unsigned long size);
CRACE_EXPORT double ValgrindSlowdown(void);
CRACE_EXPORT const char *ThreadSanitizerQuery(const char *query);

#endif /* CRACE_TSAN_ANNOTATE_H */
