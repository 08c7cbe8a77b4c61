/*
 * intercept_sem.c: POSIX semaphores as happens-before edges.
 *
 * A post happens before the wait it lets through: sem_post releases the
 * semaphore's address before the real post (afterwards a waiter could
 * already be through and miss the edge), and every successful wait
 * acquires it after the real wait. One clock per semaphore, as in
 * ThreadSanitizer: a waiter acquires every earlier post, not only the one
 * it consumed. A successful sem_getvalue acquires too, as in
 * ThreadSanitizer: a program may poll the count to learn that posts
 * happened.
 *
 * Named semaphores (sem_open) are left alone: their waits and posts go
 * through the functions here all the same, and sem_close only unmaps.
 *
 * Misuse (misuse.h): a call on memory that holds no semaphore glibc
 * initialised (glibc's sem_wait may well succeed on garbage), and a
 * destroy or an init of a semaphore a goroutine is blocked on.
 *
 * These functions report errors in errno; the hooks run only on success
 * or before the real call, so a failure's errno is the real one.
 */
#include <errno.h>
#include <semaphore.h>
#include <stdint.h>
#include <time.h>

#include "access.h"
#include "deadlock.h"
#include "intercept.h"
#include "glibc_state.h"
#include "intercept_pthread.h"
#include "misuse.h"
#include "sync.h"
#include "thread.h"

/* Before `call` (at pc) on sem. */
static void check_initialised(crace_thread *thr, sem_t *sem, const char *call, uintptr_t pc)
{
    if (sem && !glibc_sem_plausible(sem))
        misuse_uninitialised(thr, MISUSE_SEMAPHORE, call, (uintptr_t)sem, pc);
}

/* Before `call` (at pc), which destroys sem or initialises it again. As
 * for condition variables, only a call from instrumented code: a library
 * may know its waiter is on its way out. */
static void check_not_waited(crace_thread *thr, sem_t *sem, const char *call, uintptr_t pc)
{
    stack_id waiting_at;
    uint64_t waiter = crace_pc_instrumented(pc) ? dl_waiter_of((uintptr_t)sem, &waiting_at) : 0;
    if (waiter)
        misuse_destroy_waited(thr, MISUSE_SEMAPHORE, call, (uintptr_t)sem, waiter, waiting_at, pc);
}

INTERCEPTOR(int, sem_init, sem_t *sem, int pshared, unsigned int value)
{
    INTERCEPTOR_ENTER(sem_init, sem, pshared, value);
    check_not_waited(thr, sem, "sem_init", CALLER_PC());
    int r = REAL(sem_init)(sem, pshared, value);
    if (r == 0) {
        /* A new object: forget what the memory held before. */
        sync_free((uintptr_t)sem);
        sync_unlock(sync_lock((uintptr_t)sem, true, crace_current_stack(thr, CALLER_PC())));
    }
    return r;
}

INTERCEPTOR(int, sem_destroy, sem_t *sem)
{
    INTERCEPTOR_ENTER(sem_destroy, sem);
    check_initialised(thr, sem, "sem_destroy", CALLER_PC());
    check_not_waited(thr, sem, "sem_destroy", CALLER_PC());
    int r = REAL(sem_destroy)(sem);
    if (r == 0)
        sync_free((uintptr_t)sem);
    return r;
}

INTERCEPTOR(int, sem_post, sem_t *sem)
{
    INTERCEPTOR_ENTER(sem_post, sem);
    check_initialised(thr, sem, "sem_post", CALLER_PC());
    crace_release(thr, (uintptr_t)sem);
    int r = REAL(sem_post)(sem);
    dl_wake((uintptr_t)sem);
    return r;
}

/* Defined below: a wait tries first, so only a real wait is bracketed. */
static int (*real_sem_trywait)(sem_t *sem);

INTERCEPTOR(int, sem_wait, sem_t *sem)
{
    INTERCEPTOR_ENTER(sem_wait, sem);
    check_initialised(thr, sem, "sem_wait", CALLER_PC());
    int r = REAL(sem_trywait)(sem);
    if (r != 0 && errno == EAGAIN) {
        /* A process-shared semaphore (sem_open's too) may be posted by
         * another process: waited for unbracketed. */
        bool bracket = !glibc_sem_pshared(sem);
        if (bracket)
            crace_pt_block(thr, "sem_wait", WAIT_SEM, (uintptr_t)sem, crace_current_stack(thr, CALLER_PC()));
        r = REAL(sem_wait)(sem);
        if (bracket)
            dl_unblock(thr);
    }
    if (r == 0)
        crace_acquire(thr, (uintptr_t)sem);
    return r;
}

INTERCEPTOR(int, sem_trywait, sem_t *sem)
{
    INTERCEPTOR_ENTER(sem_trywait, sem);
    check_initialised(thr, sem, "sem_trywait", CALLER_PC());
    int r = REAL(sem_trywait)(sem);
    if (r == 0)
        crace_acquire(thr, (uintptr_t)sem);
    return r;
}

INTERCEPTOR(int, sem_timedwait, sem_t *sem, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(sem_timedwait, sem, abstime);
    check_initialised(thr, sem, "sem_timedwait", CALLER_PC());
    int r = REAL(sem_timedwait)(sem, abstime);
    if (r == 0)
        crace_acquire(thr, (uintptr_t)sem);
    return r;
}

INTERCEPTOR(int, sem_clockwait, sem_t *sem, clockid_t clockid, const struct timespec *abstime)
{
    INTERCEPTOR_ENTER(sem_clockwait, sem, clockid, abstime);
    check_initialised(thr, sem, "sem_clockwait", CALLER_PC());
    int r = REAL(sem_clockwait)(sem, clockid, abstime);
    if (r == 0)
        crace_acquire(thr, (uintptr_t)sem);
    return r;
}

INTERCEPTOR(int, sem_getvalue, sem_t *sem, int *value)
{
    INTERCEPTOR_ENTER(sem_getvalue, sem, value);
    check_initialised(thr, sem, "sem_getvalue", CALLER_PC());
    int r = REAL(sem_getvalue)(sem, value);
    if (r == 0)
        crace_acquire(thr, (uintptr_t)sem);
    return r;
}
