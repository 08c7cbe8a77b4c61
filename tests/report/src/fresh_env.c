/* A test harness that gives each test an environment of its own making,
 * without LD_PRELOAD or CRACE_OPTIONS: it starts itself again as the
 * test, once by fork and execve, once by posix_spawn, each with a fresh
 * envp. The test races (two threads bump a counter with no lock), and
 * says whether the detector's variables reached it. Under `crace run`
 * both tests must be checked: the detector gives the new programs what
 * their envp left out. */
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int counter;

static void *bump(void *arg)
{
    (void)arg;
    counter++;
    return NULL;
}

static int test(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, bump, NULL);
    usleep(100 * 1000);
    pthread_create(&b, NULL, bump, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("test: counter=%d, LD_PRELOAD %s, CRACE_OPTIONS %s\n", counter,
           getenv("LD_PRELOAD") ? "set" : "unset", getenv("CRACE_OPTIONS") ? "set" : "unset");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "test") == 0)
        return test();
    static char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return 1;
    self[n] = '\0';
    char *args[] = {self, "test", NULL};
    char *env[] = {"PATH=/usr/bin:/bin", "LANG=C", NULL};
    int st, failed = 0;

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execve(self, args, env);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    failed |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;

    if (posix_spawn(&pid, self, NULL, NULL, args, env) != 0)
        return 1;
    waitpid(pid, &st, 0);
    failed |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
    printf("harness: %s\n", failed ? "a test failed" : "all tests passed");
    return failed;
}
