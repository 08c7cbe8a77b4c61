/*
 * misuse.h: misuse of locks, condition variables and thread handles
 * (WARNING: MISUSE OF MUTEX, ...): unlocking what the caller does not
 * hold, destroying a held lock, waiting on one condition variable with two
 * mutexes at once, destroying or initialising again what a goroutine is
 * blocked on, using a barrier or a semaphore that holds no initialised
 * one, joining or detaching a thread joined or detached already; and of
 * signal handlers: one that returns with errno changed,
 * one that calls what is not async-signal-safe.
 *
 * Reported once per (kind, code location); the program's call goes ahead
 * as it asked either way. The interceptors call in only on their slow
 * paths (the shim's bookkeeping says something is wrong), and say what
 * the lock's own state (glibc's) tells, so that a lock the shim did not
 * see being taken (before it started) is not mistaken for a misuse.
 */
#ifndef CRACE_MISUSE_H
#define CRACE_MISUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "stackdepot.h"
#include "thread.h"

/* X(name, noun, capitalised noun, title after "WARNING: MISUSE OF ") */
#define MISUSE_OBJECTS(X)                                                                   \
    X(MUTEX, "mutex", "Mutex", "MUTEX")                                                     \
    X(SPINLOCK, "spinlock", "Spinlock", "SPINLOCK")                                         \
    X(RWLOCK, "rwlock", "RWLock", "RWLOCK")                                                 \
    X(COND, "condition variable", "Condition variable", "CONDITION VARIABLE")                \
    X(BARRIER, "barrier", "Barrier", "BARRIER")                                             \
    X(SEMAPHORE, "semaphore", "Semaphore", "SEMAPHORE")                                     \
    X(THREAD, "thread", "Thread", "THREAD")                                                 \
    X(SIGNAL, "signal handler", "Signal handler", "SIGNAL HANDLER")

enum misuse_object {
#define MISUSE_X(name, noun, cap, title) MISUSE_##name,
    MISUSE_OBJECTS(MISUSE_X)
#undef MISUSE_X
    MISUSE_OBJECT_COUNT
};

/* Who holds a lock, by the lock's own state, read before the real call. */
enum misuse_holder {
    HOLDER_NONE,    /* unlocked */
    HOLDER_CALLER,  /* the calling thread */
    HOLDER_OTHER,   /* another thread */
    HOLDER_UNKNOWN, /* locked, by whom the lock does not say */
};

/* What the shim's bookkeeping (the sync_var) knows of a lock. */
struct misuse_lock_info {
    uint64_t owner_gid; /* its exclusive holder, 0 if none */
    stack_id lock_stack;
    stack_id creation;
};

/* t calls `call` at pc to unlock lock (in_wait: the unlock inside a
 * condvar wait), which the bookkeeping (info) says t does not hold; real
 * says who does. Reports an unlock of an unlocked lock, or of one held by
 * someone else; nothing when real says t holds it after all. */
void misuse_unlock(crace_thread *t, enum misuse_object obj, const char *call, bool in_wait, uintptr_t lock,
                   enum misuse_holder real, const struct misuse_lock_info *info, uintptr_t pc);

/* t, by `call` at pc, takes lock (for reading if read), which goroutine
 * info->owner_gid holds for writing: a lock the program annotates
 * (tsan_annotate.c), whose annotations say two goroutines hold it. */
void misuse_lock_held(crace_thread *t, const char *call, bool read, uintptr_t lock,
                      const struct misuse_lock_info *info, uintptr_t pc);

/* t, at call, holds lock (locked at lock_stack) where it must hold none:
 * __tsan_check_no_mutexes_held, a program's assertion. */
void misuse_held(crace_thread *t, const char *call, uintptr_t lock, stack_id lock_stack, uintptr_t pc);

/* t, by `call` at pc, locks lock (an obj) again, which it holds (for
 * writing: an rwlock), locked at lock_stack: a mutex that checks its
 * owner, or an rwlock, refuses with EDEADLK, and a program that does not
 * check goes on as if it held the lock twice (its next unlock frees it).
 * Go's own RLock there waits forever. */
void misuse_relock(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t lock, stack_id lock_stack,
                   uintptr_t pc);

/* t calls `call` at pc to destroy lock, which real says is held. */
void misuse_destroy(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t lock,
                    enum misuse_holder real, uintptr_t pc);
/* The same with the bookkeeping's holder given (a lock whose owner is
 * kept elsewhere than its sync object's owner fields: annotations). */
void misuse_destroy_held(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t lock,
                         enum misuse_holder real, const struct misuse_lock_info *info, uintptr_t pc);

/* t starts waiting on cond with mutex (at stack, pc), and stops. A wait
 * with another mutex than the waits in progress is reported. */
void misuse_cond_wait_begin(crace_thread *t, const char *call, uintptr_t cond, uintptr_t mutex, stack_id stack,
                            uintptr_t pc);
void misuse_cond_wait_end(crace_thread *t, uintptr_t cond);

/* t calls `call` at pc to destroy, or to initialise again, the obj at
 * addr (a condition variable, a barrier, a semaphore), which goroutine
 * waiter (waiting at stack) is blocked on: glibc's destroy of the first
 * two waits for it to leave; a semaphore's leaves it blocked on memory
 * the program may reuse; an init resets what it waits on. */
void misuse_destroy_waited(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t addr,
                           uint64_t waiter, stack_id stack, uintptr_t pc);

/* t calls `call` at pc on the obj at addr, whose memory holds none that
 * glibc could have initialised (never initialised, or overwritten): a
 * barrier's count or a semaphore's value out of range, or its sharing
 * word neither private nor shared. */
void misuse_uninitialised(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t addr,
                          uintptr_t pc);

/* t calls `call` at pc to initialise the obj at addr, which was
 * initialised (at creation) and not destroyed since. */
void misuse_reinit(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t addr, stack_id creation,
                   uintptr_t pc);

/* t calls `call` at pc to initialise the barrier at addr with a count of
 * 0, which glibc refuses (EINVAL): the barrier is left uninitialised. */
void misuse_zero_count(crace_thread *t, const char *call, uintptr_t addr, uintptr_t pc);

/* t calls `call` at pc to lock addr, which was destroyed: the call
 * failed (EINVAL) and locked nothing, so whatever it was to protect is
 * not protected. */
void misuse_destroyed(crace_thread *t, enum misuse_object obj, const char *call, uintptr_t addr, uintptr_t pc);

/* t calls `call` (a join or a detach) at pc on the thread handle th,
 * whose thread was joined or detached already: the handle may name
 * another thread by now, or nothing. */
void misuse_thread_gone(crace_thread *t, const char *call, uintptr_t th, uintptr_t pc);

/* t calls `call` (a join or a detach) at pc on the thread handle th,
 * which names no thread: no thread crace saw has it, nor does glibc's
 * header of a thread sit at it. */
void misuse_thread_invalid(crace_thread *t, const char *call, uintptr_t th, uintptr_t pc);

/* t ends holding lock (an obj; an rwlock for reading if read), which it
 * locked at stack: an unlock forgotten on some way out of the thread.
 * Reported when the lock's bookkeeping agrees that t holds it
 * exclusively; a read hold, which the bookkeeping does not name, when
 * the caller has seen glibc count a reader still. */
void misuse_exit_held(crace_thread *t, enum misuse_object obj, uintptr_t lock, bool read, stack_id stack);

/* t ends (its function returned, pthread_exit, or main's end) inside an
 * ignore bracket the program opened (t->annotated_ignores): its accesses
 * since were not checked, which the program did not mean to last. */
void misuse_exit_ignoring(crace_thread *t);

/* The program's handler for sig (its address, handler) returned on t
 * with errno changed from before to after: the code it interrupted may
 * read errno next (a failed call's, now another's). installed: where the
 * handler was installed (0: unknown). The handler's frame must still be
 * on t's shadow stack (its call site, intercept_signal.c). */
void misuse_signal_errno(crace_thread *t, int sig, uintptr_t handler, int before, int after, stack_id installed);

/* t calls `call` (an allocation function) at pc inside the program's
 * handler for sig: it is not async-signal-safe (a signal that lands while
 * the interrupted code is inside the allocator deadlocks on its lock or
 * corrupts the heap). */
void misuse_signal_unsafe(crace_thread *t, const char *call, int sig, uintptr_t handler, stack_id installed,
                          uintptr_t pc);

#endif /* CRACE_MISUSE_H */
