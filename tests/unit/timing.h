/*
 * timing.h: the lateness a timing test may allow on this machine.
 *
 * libgochan promises that a timer fires within 10 ms of its deadline; on
 * a shared machine the operating system alone may take longer than that
 * to run any thread. The allowance is the promise plus the worst
 * oversleep of a 1 ms nanosleep measured here, so a test fails only when
 * the runtime itself is late. Firing early is never allowed.
 */
#ifndef TESTS_TIMING_H
#define TESTS_TIMING_H

#include <errno.h>
#include <stdint.h>
#include <time.h>

static inline int64_t timing_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t timing_late_ns(void)
{
    static int64_t late;
    if (late)
        return late;
    int64_t worst = 0;
    for (int i = 0; i < 20; i++) {
        struct timespec ts = {0, 1000000};
        int64_t t0 = timing_now();
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
        int64_t over = timing_now() - t0 - 1000000;
        if (over > worst)
            worst = over;
    }
    late = 10 * INT64_C(1000000) + worst;
    return late;
}

#endif /* TESTS_TIMING_H */
