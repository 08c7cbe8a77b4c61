/*
 * invisible_barrier.h: ThreadSanitizer's test-only barrier
 * (__tsan_testonly_barrier_init/wait, which its test suite's test.h calls),
 * defined by both the shim and the stub so that such tests link and run,
 * detected and native.
 *
 * The barrier orders the threads' execution without ordering their
 * memory for the detector: it is made of relaxed atomics inside the
 * shim, which crace does not see, so two accesses it separates in time
 * still race. The word holds the thread count in its low 10 bits (as
 * ThreadSanitizer's: up to 1023 threads) and the number of arrivals above
 * them; a round ends when the arrivals reach
 * the next multiple of the count, which every waiter of the round sees
 * as a new quotient.
 */
#ifndef CRACE_INVISIBLE_BARRIER_H
#define CRACE_INVISIBLE_BARRIER_H

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#define INVISIBLE_BARRIER_BITS 10

static inline void invisible_barrier_init(unsigned *barrier, unsigned count)
{
    if (count == 0 || count >= 1u << INVISIBLE_BARRIER_BITS) {
        fprintf(stderr, "crace: __tsan_testonly_barrier_init: %u threads; 1 to %u are supported\n", count,
                (1u << INVISIBLE_BARRIER_BITS) - 1);
        exit(1);
    }
    __atomic_store_n(barrier, count, __ATOMIC_RELAXED);
}

static inline void invisible_barrier_wait(unsigned *barrier)
{
    unsigned was = __atomic_fetch_add(barrier, 1u << INVISIBLE_BARRIER_BITS, __ATOMIC_RELAXED);
    unsigned count = was & ((1u << INVISIBLE_BARRIER_BITS) - 1), round = (was >> INVISIBLE_BARRIER_BITS) / count;
    while (((__atomic_load_n(barrier, __ATOMIC_RELAXED) >> INVISIBLE_BARRIER_BITS) / count) == round)
        sched_yield();
}

#endif /* CRACE_INVISIBLE_BARRIER_H */
