/* rss.c: rss RESULT_FILE PROG [ARGS...] runs PROG, waits for it and writes
 * "KIND VALUE MAXRSS_KIB CPU_US" to RESULT_FILE: KIND is "exit" or
 * "signal", CPU_US the user plus system time of PROG and the descendants
 * it waited for, in microseconds. The peak RSS is wait4's ru_maxrss: the
 * largest of PROG and those descendants (for `crace run`, the program it
 * runs).
 *
 * A helper rather than Python's own fork: a child forked from Python
 * keeps Python's resident size as its high-water mark across exec. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: rss RESULT_FILE PROG [ARGS...]\n");
        return 125;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("rss: fork");
        return 125;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("rss: exec");
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("rss: wait4");
        return 125;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror("rss: result file");
        return 125;
    }
    long long cpu_us = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec +
                       ru.ru_stime.tv_usec;
    if (WIFSIGNALED(status))
        fprintf(f, "signal %d %ld %lld\n", WTERMSIG(status), ru.ru_maxrss, cpu_us);
    else
        fprintf(f, "exit %d %ld %lld\n", WEXITSTATUS(status), ru.ru_maxrss, cpu_us);
    fclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
