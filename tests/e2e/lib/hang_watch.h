/* hang_watch.h: runs an attempt at a deadlock in child processes and
 * counts the children that hang, for the end-to-end tests that need many
 * tries at a timing (tests/e2e/deadlock_*). A child ends by itself when
 * the detector reports its deadlock (or when the attempt happens not to
 * deadlock); one still running after hang_ms is killed and counted. */
#ifndef E2E_HANG_WATCH_H
#define E2E_HANG_WATCH_H

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int children_hung(void (*attempt)(void), int children, int hang_ms)
{
    int hung = 0;
    for (int c = 0; c < children; c++) {
        pid_t pid = fork();
        if (pid == 0) {
            attempt();
            _exit(0);
        }
        int status, waited = 0;
        while (waitpid(pid, &status, WNOHANG) == 0) {
            if (waited >= hang_ms) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                hung++;
                break;
            }
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
            waited += 10;
        }
    }
    return hung;
}

#endif /* E2E_HANG_WATCH_H */
