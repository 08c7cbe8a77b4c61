/*
 * deadlock.h: goroutines blocked forever. Go's "all goroutines are
 * asleep", cycles of goroutines waiting on each other (which Go cannot
 * see while others run), and goroutines still blocked at exit (leaks).
 *
 * Interceptors of blocking calls without a timeout bracket the real call
 * with dl_block / dl_unblock; a call that can wake others (unlock, post,
 * signal, thread exit, libgochan's ready) calls dl_wake. A woken thread
 * counts as running until it returns, even if it then sleeps again inside
 * the real call: crace may miss a deadlock there, never invent one. Not a
 * mutex's waiter: it counts as blocked until its lock call returns, and
 * the mutex itself says whether its wait is real. Waits crace cannot see
 * (read, poll, sleep) and timed waits count as running.
 */
#ifndef CRACE_DEADLOCK_H
#define CRACE_DEADLOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "stackdepot.h"
#include "thread.h"

/* What kind of object a goroutine waits on: X(name, text). */
#define WAIT_OBJECTS(X)                 \
    X(NONE, "nothing")                  \
    X(MUTEX, "mutex")                   \
    X(RWLOCK, "rwlock")                 \
    X(COND, "condition variable")       \
    X(THREAD, "goroutine")              \
    X(SEM, "semaphore")                 \
    X(BARRIER, "barrier")               \
    X(CHAN, "channel")                  \
    X(WAITGROUP, "WaitGroup")          \
    X(ONCE, "once control")            \
    X(SPIN, "spinlock")

enum wait_object {
#define WAIT_X(name, text) WAIT_##name,
    WAIT_OBJECTS(WAIT_X)
#undef WAIT_X
    WAIT_OBJECT_COUNT
};

/* t blocks forever on obj (token: libgochan's waiter record, else NULL;
 * with: the mutex a condition-variable wait releases, else 0). May
 * report a deadlock and end the program. */
void dl_block(crace_thread *t, const char *reason, enum wait_object kind, uintptr_t obj, uintptr_t with,
              const void *token, stack_id stack);
/* As dl_block, for a wait that may end before t registers it, no
 * wake-up left to reach it: a barrier round whose last arrival came (and
 * called dl_wake) between t's own arrival and this call. over(obj, with)
 * tells whether the wait is over; it is called under dl_lock and may take
 * sync locks (dl_lock comes first), and the wake-up must follow, in the
 * order of the lock over() reads under, the change that makes it true. */
void dl_block_unless(crace_thread *t, const char *reason, enum wait_object kind, uintptr_t obj, uintptr_t with,
                     const void *token, bool (*over)(uintptr_t obj, uintptr_t with), stack_id stack);
/* t waits to write-lock the rwlock obj, which it holds for reading
 * itself (read-locked at held_stack): glibc's write lock waits for every
 * reader to leave, t among them, so t waits for itself. Reported at once
 * as a cycle of one (a lock upgrade, which pthread rwlocks do not do). */
void dl_block_upgrade(crace_thread *t, const char *reason, uintptr_t obj, stack_id stack, stack_id held_stack);
/* As dl_block, for a select on the n channels chans and more cases
 * besides (libgochan's waiter record token): a report names every
 * channel, up to CRACE_SEL_SHOWN distinct ones, and counts the others. */
void dl_block_select(crace_thread *t, const char *reason, const uintptr_t *chans, size_t n, size_t more,
                     const void *token, stack_id stack);
/* t runs again (its blocking call returned). */
void dl_unblock(crace_thread *t);
/* Every thread blocked on obj may run now. */
void dl_wake(uintptr_t obj);
/* A goroutine counted blocked on obj (no wake-up has reached it since it
 * began to wait): its number, and where it waits; 0 if none. */
uint64_t dl_waiter_of(uintptr_t obj, stack_id *stack);
/* The thread parked with token may run now (libgochan's ready). */
void dl_wake_token(const void *token);
/* The thread th may run now: it was cancelled, and a wait at a
 * cancellation point returns into its cancellation. */
void dl_wake_thread(pthread_t th);

/* Live goroutines: a thread counts from its creation (it will run) to its
 * end. An internal thread (libgochan's timer) does not count. */
void dl_thread_created(crace_thread *t);
/* t's kernel thread id is known (t->tid): glibc's mutexes name holders by it. */
void dl_thread_tid(crace_thread *t);
void dl_thread_gone(crace_thread *t);

/* Pending timers (chan_after, context deadlines): while one is pending,
 * a goroutine may still be woken, so there is no global deadlock. */
void dl_timers(int delta);

/* At exit, before the leak check: gives goroutines still running a
 * moment to block or end (dl_settle_at_exit in deadlock.c). */
void dl_settle_at_exit(void);

/* At exit: reports goroutines still blocked forever (or, with
 * leak_check=running, still alive) as leaks. Never the main goroutine: a
 * leak is a goroutine that main's end leaves behind, and when another
 * goroutine ends the process (a worker's exit(1) on an error while main
 * joins it), main, wherever it waits, is not one. */
void dl_check_leaks(void);

#endif /* CRACE_DEADLOCK_H */
