/*
 * glibc_state.h: whether a glibc lock is held or a semaphore empty, read
 * from the object itself (glibc's ABI on Linux; nptl's definitions), and
 * whether memory could hold a barrier or a semaphore glibc initialised,
 * or a thread handle name a thread.
 *
 * Used where crace must know the truth of the moment rather than its own
 * bookkeeping: a goroutine counted blocked on a lock that is in fact free
 * (freed between its trylock and its registration) is not blocked, and
 * must not make a deadlock report.
 */
#ifndef CRACE_GLIBC_STATE_H
#define CRACE_GLIBC_STATE_H

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* A mutex's lock word is 0 when free, whatever its type (mtx_t is the
 * same object). */
static inline bool glibc_mutex_held(const void *m)
{
    return __atomic_load_n(&((const pthread_mutex_t *)m)->__data.__lock, __ATOMIC_RELAXED) != 0;
}

/* Has the mutex been destroyed? glibc's pthread_mutex_destroy sets its
 * kind to -1, which every later call rejects with EINVAL. */
static inline bool glibc_mutex_destroyed(const void *m)
{
    return __atomic_load_n(&((const pthread_mutex_t *)m)->__data.__kind, __ATOMIC_RELAXED) == -1;
}

/* The kernel thread id of a mutex's owner (0: free, or between its lock
 * word and its owner field). */
static inline pid_t glibc_mutex_owner(const void *m)
{
    return __atomic_load_n(&((const pthread_mutex_t *)m)->__data.__owner, __ATOMIC_RELAXED);
}

/* A spinlock's word: on x86-64, glibc's unlock (and init) stores 1, a
 * lock takes it to 0 and every spinner that finds it taken decrements it
 * further (pthread_spin_lock.S); elsewhere glibc's generic spinlock is 0
 * when free. */
static inline bool glibc_spin_held(const pthread_spinlock_t *l)
{
    int word = __atomic_load_n((const int *)l, __ATOMIC_RELAXED);
#if defined(__x86_64__) || defined(__i386__)
    return word <= 0;
#else
    return word != 0;
#endif
}

/* An rwlock's state word: bit 1 set while write-locked, the readers above
 * bit 3 (nptl/pthread_rwlock_common.c). */
static inline bool glibc_rwlock_held(const void *rw)
{
    unsigned r = __atomic_load_n(&((const pthread_rwlock_t *)rw)->__data.__readers, __ATOMIC_RELAXED);
    return (r & 2u) != 0 || (r >> 3) != 0;
}

/* The kernel thread id of an rwlock's writer: 0 when it is not
 * write-locked (or between its state word and this field). */
static inline pid_t glibc_rwlock_writer(const void *rw)
{
    return __atomic_load_n(&((const pthread_rwlock_t *)rw)->__data.__cur_writer, __ATOMIC_RELAXED);
}

/* How many goroutines hold an rwlock for reading: glibc's reader count,
 * above the three flag bits of its state word (nptl's
 * PTHREAD_RWLOCK_READER_SHIFT), below its overflow bit. */
static inline unsigned glibc_rwlock_readers(const void *rw)
{
    unsigned v = __atomic_load_n(&((const pthread_rwlock_t *)rw)->__data.__readers, __ATOMIC_RELAXED);
    return (v & 0x7fffffffu) >> 3;
}

/* A semaphore's value: the low 32 bits of its first 64-bit word on 64-bit
 * targets (nptl's struct new_sem with 64-bit atomics). */
static inline unsigned glibc_sem_value(const void *sem)
{
#if UINTPTR_MAX > 0xffffffffu
    return (unsigned)(__atomic_load_n((const uint64_t *)sem, __ATOMIC_RELAXED) & 0xffffffffu);
#else
    return __atomic_load_n((const unsigned *)sem, __ATOMIC_RELAXED) >> 1;
#endif
}

/* Process-shared objects (PTHREAD_PROCESS_SHARED, sem_init's pshared,
 * sem_open's semaphores): another process may end a wait on one, which
 * crace cannot see. nptl marks a mutex's kind with
 * PTHREAD_MUTEX_PSHARED_BIT (128; a destroyed mutex's kind is -1), a
 * condition variable's __wrefs with bit 0, an rwlock's __shared, and a
 * barrier's and a semaphore's sharing word with FUTEX_SHARED (128; a
 * private one has 0). */
static inline bool glibc_mutex_pshared(const void *m)
{
    int kind = __atomic_load_n(&((const pthread_mutex_t *)m)->__data.__kind, __ATOMIC_RELAXED);
    return kind != -1 && (kind & 128) != 0;
}

static inline bool glibc_cond_pshared(const void *c)
{
    return (__atomic_load_n(&((const pthread_cond_t *)c)->__data.__wrefs, __ATOMIC_RELAXED) & 1u) != 0;
}

static inline bool glibc_rwlock_pshared(const void *rw)
{
    return __atomic_load_n(&((const pthread_rwlock_t *)rw)->__data.__shared, __ATOMIC_RELAXED) != 0;
}

static inline bool glibc_barrier_pshared(const void *b)
{
    return __atomic_load_n(&((const int *)b)[3], __ATOMIC_RELAXED) == 128;
}

static inline bool glibc_sem_pshared(const void *sem)
{
#if UINTPTR_MAX > 0xffffffffu
    return __atomic_load_n(&((const int *)sem)[2], __ATOMIC_RELAXED) == 128;
#else
    (void)sem;
    return false;
#endif
}

/* The sharing word of a barrier or a semaphore initialised by glibc:
 * its futexes' private flag or none (FUTEX_PRIVATE or FUTEX_SHARED, 0 or
 * 128, whichever way round an object uses them). */
static inline bool glibc_sharing_word(int word)
{
    return word == 0 || word == 128;
}

/* Could the memory at b hold a barrier pthread_barrier_init made? nptl's
 * struct pthread_barrier is {in, current_round, count, shared, out}; init
 * refuses a count of 0 or of BARRIER_IN_THRESHOLD (UINT_MAX / 2) or more,
 * and nothing changes count or shared afterwards. Memory never
 * initialised (zeroes, a fill pattern) or overwritten fails the test. */
static inline bool glibc_barrier_plausible(const void *b)
{
    const unsigned *w = b;
    unsigned count = __atomic_load_n(&w[2], __ATOMIC_RELAXED);
    int shared = (int)__atomic_load_n(&w[3], __ATOMIC_RELAXED);
    return count != 0 && count < 0x7fffffffu && glibc_sharing_word(shared);
}

/* Could the memory at sem hold a semaphore sem_init (or sem_open) made?
 * On 64-bit targets nptl's struct new_sem is {uint64_t data (value in the
 * low half, waiters in the high one); int private; int pad}; the value
 * never exceeds SEM_VALUE_MAX. All zeroes pass: a private semaphore of
 * value 0, which is how glibc would treat it anyway. */
static inline bool glibc_sem_plausible(const void *sem)
{
#if UINTPTR_MAX > 0xffffffffu
    const int *w = sem;
    return glibc_sem_value(sem) <= 0x7fffffffu && glibc_sharing_word(__atomic_load_n(&w[2], __ATOMIC_RELAXED));
#else
    (void)sem;
    return true;
#endif
}

/* Could th be a handle pthread_create returned? nptl's pthread_t is the
 * address of the thread's struct pthread, which on x86-64 begins with its
 * TCB header: {tcb, dtv, self}, self pointing at the struct itself. Read
 * with process_vm_readv, which fails (EFAULT) where a load would fault.
 * 1: plausible; 0: not (a small number, a misaligned or unmapped address,
 * or memory that is no thread's header); -1: cannot tell (another target,
 * or the read refused, as a seccomp filter may). */
static inline int glibc_thread_handle_plausible(pthread_t th)
{
#if defined(__x86_64__)
    uintptr_t p = (uintptr_t)th;
    if (p < 4096 || p % 8 != 0)
        return 0;
    uintptr_t self = 0;
    struct iovec here = {&self, sizeof(self)}, there = {(void *)(p + 2 * sizeof(void *)), sizeof(self)};
    int saved = errno; /* the program's */
    ssize_t got = process_vm_readv(getpid(), &here, 1, &there, 1, 0);
    int why = errno;
    errno = saved;
    if (got != (ssize_t)sizeof(self))
        return why == EFAULT ? 0 : -1;
    return self == p;
#else
    (void)th;
    return -1;
#endif
}

/* Did malloc give the block at p (a live block it returned) a mapping of
 * its own? The size word of its chunk, just before p, has bit 1
 * (IS_MMAPPED) set; such a chunk is unmapped when it is freed, and its
 * addresses may come back as any mapping. */
static inline bool glibc_chunk_mmapped(const void *p)
{
    return (((const size_t *)p)[-1] & 2) != 0;
}

#endif /* CRACE_GLIBC_STATE_H */
