/*
 * intercept_pthread.h: the pieces intercept_pthread.c shares with the C11
 * <threads.h> interceptors (intercept_c11.c), which glibc builds on the
 * same objects. Documented where they are defined.
 */
#ifndef CRACE_INTERCEPT_PTHREAD_H
#define CRACE_INTERCEPT_PTHREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "thread.h"

/* The two lock layouts the shared helpers read: glibc's pthread_mutex_t
 * (also C11's mtx_t) and the spinlock word. */
enum pt_lock_kind { PT_MUTEX, PT_SPIN };

void crace_pt_block(crace_thread *thr, const char *reason, int kind, uintptr_t obj, stack_id stack);
crace_thread *crace_pt_thread_target(crace_thread *thr, pthread_t th, const char *call, uintptr_t pc);
void crace_pt_sync_reset(crace_thread *thr, uintptr_t addr, uintptr_t pc);
void crace_pt_sync_forget(uintptr_t addr);
/* What an operation does to a synchronisation object's own memory: an
 * init or a destroy writes it, a use writes it atomically, a read lock
 * (shared) reads it atomically. */
enum pt_object_op { PT_OBJ_WRITE, PT_OBJ_USE, PT_OBJ_SHARED };
void crace_pt_object(crace_thread *thr, uintptr_t obj, enum pt_object_op op, uintptr_t pc);
void crace_pt_mutex_post_lock(crace_thread *thr, uintptr_t m, unsigned flags, stack_id stack, uintptr_t pc);
/* After a lock call (call, at pc) on m, which failed if failed: a
 * destroyed mutex's rejection is reported (misuse_destroyed). The same
 * after an unlock call, unless it follows a lock call reported so. */
void crace_pt_mutex_rejected(crace_thread *thr, const void *m, const char *call, bool failed, uintptr_t pc);
void crace_pt_mutex_unlock_rejected(crace_thread *thr, const void *m, const char *call, bool failed, uintptr_t pc);
/* Before destroying a condition variable: reports one that a goroutine is
 * blocked on and brackets the destroy as a wait (true: dl_unblock after). */
bool crace_pt_cond_pre_destroy(crace_thread *thr, uintptr_t c, const char *call, uintptr_t pc);
bool crace_pt_mutex_pre_unlock(crace_thread *thr, uintptr_t m, enum pt_lock_kind kind, const char *call,
                               bool in_wait, uintptr_t pc);
bool crace_pt_mutex_checks_owner(const pthread_mutex_t *m);
/* The short spin of a lock call that found its mutex taken (intercept_pthread.c):
 * the budget (lock_spin, or 0 on one CPU) is set once at start-up. */
long crace_pt_lock_spin_budget(void);
bool crace_pt_lock_spin(const void *m, long *budget);
void crace_pt_pre_destroy(crace_thread *thr, uintptr_t m, enum pt_lock_kind kind, const char *call, uintptr_t pc);
bool crace_pt_cond_pre_wait(crace_thread *thr, uintptr_t c, uintptr_t m, const char *call, bool blocks,
                            uintptr_t pc, stack_id *at);
void crace_pt_cond_post_wait(crace_thread *thr, uintptr_t c, uintptr_t m, bool blocks, bool relocked, stack_id at,
                             uintptr_t pc);
void crace_pt_thread_exit(crace_thread *t);
void crace_pt_thread_cleanup(void *t);
/* A thread the shim started, starting: it will end after its TLS
 * destructors (intercept_pthread.c). */
void crace_pt_finish_after_tls(void);
int crace_pt_once(crace_thread *thr, void *once, void (*fn)(void),
                  int (*real)(void *once, void (*init)(void)), const char *call, uintptr_t pc);

#endif /* CRACE_INTERCEPT_PTHREAD_H */
