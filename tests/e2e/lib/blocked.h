/* blocked.h: waits until another thread sleeps in the kernel on a futex,
 * for the end-to-end tests that need a goroutine blocked (in a barrier or
 * semaphore wait) before the next step; a sleep would only make it
 * likely. The thread's current system call is the first field of
 * /proc/self/task/TID/syscall. */
#ifndef E2E_BLOCKED_H
#define E2E_BLOCKED_H

#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The caller's kernel thread id, to hand to wait_blocked. */
static pid_t my_tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

static void wait_blocked(pid_t tid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
    for (;;) {
        long nr = -1;
        FILE *f = fopen(path, "r");
        if (f) {
            if (fscanf(f, "%ld", &nr) != 1)
                nr = -1;
            fclose(f);
        }
        if (nr == SYS_futex)
            return;
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

#endif /* E2E_BLOCKED_H */
