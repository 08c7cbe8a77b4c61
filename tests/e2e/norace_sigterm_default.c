/* The terminating signals keep their default action as the program sees
 * it: sigaction reports SIG_DFL, and a child that raises SIGTERM dies of
 * it. Underneath, the kernel holds crace's stand-in handler (the signal
 * waits for a finding being written, fatal_signal.c): SigCgt in
 * /proc/self/status has the bit. A program that sets SIG_IGN keeps it. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int caught_by_kernel(int sig)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long mask = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "SigCgt:", 7) == 0)
            sscanf(line + 7, "%llx", &mask);
    if (f)
        fclose(f);
    return (int)((mask >> (sig - 1)) & 1);
}

static void child_raises(const char *what, void (*disposition)(int))
{
    pid_t pid = fork();
    if (pid == 0) {
        if (disposition)
            signal(SIGTERM, disposition);
        raise(SIGTERM);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

int main(void)
{
    struct sigaction old;
    sigaction(SIGTERM, NULL, &old);
    printf("program sees SIGTERM as %s\n", old.sa_handler == SIG_DFL ? "SIG_DFL" : "a handler");
    printf("kernel has a SIGTERM handler: %d\n", caught_by_kernel(SIGTERM));
    child_raises("default", NULL);
    child_raises("SIG_DFL set again", SIG_DFL);
    child_raises("SIG_IGN", SIG_IGN);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: program sees SIGTERM as SIG_DFL
// EXPECT: kernel has a SIGTERM handler: 1
// EXPECT: default: killed by signal 15
// EXPECT: SIG_DFL set again: killed by signal 15
// EXPECT: SIG_IGN: exited 0
// EXPECT-NOT: WARNING
