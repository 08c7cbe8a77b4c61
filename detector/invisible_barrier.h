/*
 * invisible_barrier.h: ThreadSanitizer's test-only barrier
 * (__tsan_testonly_barrier_init/wait, which its test suite's test.h calls),
 * defined by both the shim and the stub so that such tests link and run,
 * detected and native.
 *
 * The barrier orders the threads' execution without ordering their
 * memory for the detector: it is made of relaxed atomics inside the
 * shim, which crace does not see, so two accesses it separates in time
 * still race. The word holds the thread count in its low 8 bits and the
 * number of arrivals above them; a round ends when the arrivals reach
 * the next multiple of the count, which every waiter of the round sees
 * as a new quotient.
 */
#ifndef CRACE_INVISIBLE_BARRIER_H
#define CRACE_INVISIBLE_BARRIER_H

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

static inline void invisible_barrier_init(unsigned *barrier, unsigned count)
{
    if (count == 0 || count > 0xff) {
        fprintf(stderr, "crace: __tsan_testonly_barrier_init: %u threads; 1 to 255 are supported\n", count);
        exit(1);
    }
    __atomic_store_n(barrier, count, __ATOMIC_RELAXED);
}

static inline void invisible_barrier_wait(unsigned *barrier)
{
    unsigned was = __atomic_fetch_add(barrier, 1u << 8, __ATOMIC_RELAXED);
    unsigned count = was & 0xff, round = (was >> 8) / count;
    while (((__atomic_load_n(barrier, __ATOMIC_RELAXED) >> 8) / count) == round)
        sched_yield();
}

#endif /* CRACE_INVISIBLE_BARRIER_H */
