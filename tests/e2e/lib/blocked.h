/* blocked.h: waits until another thread sleeps in the kernel on a futex,
 * for the end-to-end tests that need a goroutine blocked (in a barrier or
 * semaphore wait) before the next step; a sleep would only make it
 * likely. The thread's current system call is the first field of
 * /proc/self/task/TID/syscall. */
#ifndef E2E_BLOCKED_H
#define E2E_BLOCKED_H

#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The kernel thread id of the one thread a test waits for. */
static pid_t watched_tid;

/* Called by that thread before it blocks. */
static void watch_me(void)
{
    __atomic_store_n(&watched_tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
}

/* Returns once the thread that called watch_me sleeps on a futex. */
static void wait_watched_blocked(void)
{
    pid_t tid;
    while (!(tid = __atomic_load_n(&watched_tid, __ATOMIC_ACQUIRE)))
        sched_yield();
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
    for (;;) {
        long nr = -1;
        FILE *f = fopen(path, "r");
        if (!f) {
            /* A kernel without the file: a sleep makes it likely. */
            struct timespec ts = {0, 200 * 1000 * 1000};
            nanosleep(&ts, NULL);
            return;
        }
        if (fscanf(f, "%ld", &nr) != 1)
            nr = -1;
        fclose(f);
        if (nr == SYS_futex)
            return;
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

#endif /* E2E_BLOCKED_H */
