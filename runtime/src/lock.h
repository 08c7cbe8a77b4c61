/*
 * lock.h: a small futex lock and a futex parking word, invisible to any
 * pthread interceptor.
 *
 * libgochan's channel locks and crace's own internal locks must not be
 * pthread mutexes: a preloaded detector intercepts those and would see the
 * runtime's locks as program synchronisation (merging every send of a
 * channel into one clock), or would intercept its own locks. Both libraries
 * use these instead; they go straight to the futex system call.
 *
 * gc_lock is musl's design: trylock, then a short spin, then a wait, so the
 * variants cannot disagree. State: 0 unlocked, 1 locked, 2 locked with
 * possible waiters.
 */
#ifndef GOCHAN_LOCK_H
#define GOCHAN_LOCK_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    _Atomic uint32_t state; /* 0 free, 1 held, 2 held and contended */
} gc_lock_t;

#define GC_LOCK_INIT {0}

/* Spins this many times before sleeping: long enough to cover a short
 * critical section on another core, short enough not to burn a slice. */
enum { GC_SPIN_COUNT = 100 };

static inline void gc_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline long gc_futex_wait(_Atomic uint32_t *addr, uint32_t val, const struct timespec *rel)
{
    return syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, val, rel, NULL, 0);
}

static inline long gc_futex_wake(_Atomic uint32_t *addr, int n)
{
    return syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

static inline bool gc_trylock(gc_lock_t *l)
{
    uint32_t zero = 0;
    return atomic_compare_exchange_strong_explicit(&l->state, &zero, 1, memory_order_acquire,
                                                   memory_order_relaxed);
}

static inline void gc_lock(gc_lock_t *l)
{
    if (gc_trylock(l))
        return;
    for (int i = 0; i < GC_SPIN_COUNT; i++) {
        if (atomic_load_explicit(&l->state, memory_order_relaxed) == 0 && gc_trylock(l))
            return;
        gc_cpu_relax();
    }
    /* Announce a waiter (state 2) and sleep until we take it as 2: we
     * cannot know whether other waiters remain, so the unlock must wake.
     * errno is kept: a wait's EAGAIN or EINTR is not the caller's (a
     * signal handler whose sem_post met a contended lock would return
     * with errno changed). */
    int saved = errno;
    while (atomic_exchange_explicit(&l->state, 2, memory_order_acquire) != 0)
        gc_futex_wait(&l->state, 2, NULL);
    errno = saved;
}

static inline void gc_unlock(gc_lock_t *l)
{
    if (atomic_exchange_explicit(&l->state, 0, memory_order_release) == 2)
        gc_futex_wake(&l->state, 1);
}

#endif /* GOCHAN_LOCK_H */
