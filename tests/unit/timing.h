/*
 * timing.h: time in the runtime's tests: sleeping, waiting for a
 * condition with a bound, and the lateness a timing test may allow on
 * this machine.
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

#include <stdatomic.h>
#include <stdbool.h>

#define MS INT64_C(1000000)
/* How long a goroutine must stay blocked for a test to call it blocked. */
#define BLOCK_NS (50 * MS)
/* How long a test waits for something that should happen promptly. */
#define PROMPT_NS (5000 * MS)
/* Whole-program watchdog, in seconds: a lost wake-up fails, never hangs. */
enum { WATCHDOG_S = 120 };

static inline void sleep_ns(int64_t ns)
{
    struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

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

/* Polls until *v >= target; false when timeout_ns passes first. */
static inline bool wait_at_least(atomic_int *v, int target, int64_t timeout_ns)
{
    int64_t end = timing_now() + timeout_ns;
    while (atomic_load(v) < target) {
        if (timing_now() > end)
            return false;
        sleep_ns(MS / 10);
    }
    return true;
}

#endif /* TESTS_TIMING_H */
