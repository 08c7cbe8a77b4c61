/* rss.c: rss RESULT_FILE PROG [ARGS...] runs PROG, waits for it and writes
 * "KIND VALUE MAXRSS_KIB" to RESULT_FILE: KIND is "exit" or
 * "signal". The peak RSS is wait4's ru_maxrss: the largest of PROG and
 * the descendants it waited for (for `crace run`, the program it runs).
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
    if (WIFSIGNALED(status))
        fprintf(f, "signal %d %ld\n", WTERMSIG(status), ru.ru_maxrss);
    else
        fprintf(f, "exit %d %ld\n", WEXITSTATUS(status), ru.ru_maxrss);
    fclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
