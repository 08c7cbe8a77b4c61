/* Findings are written when they are made, one write each, so a program
 * that crashes afterwards loses none of them. The program re-executes
 * itself (/proc/self/exe) twice: each child makes a race, then one calls
 * abort() and the other writes through a null pointer. Each child's
 * report is printed whole, the child dies of its signal (the detector
 * neither hides the crash nor turns it into an exit status), and the
 * parent sees that. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int racy;
int *volatile nowhere; /* a null pointer the compiler cannot see through */

static void *writer(void *arg)
{
    (void)arg;
    racy = 1; // LINE:writer
    return NULL;
}

static void crash(const char *how)
{
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    racy = 2;
    pthread_join(t, NULL);
    if (strcmp(how, "abort") == 0)
        abort();
    *(volatile int *)nowhere = 1;
}

static void run(const char *self, const char *how)
{
    pid_t pid = fork();
    if (pid == 0) {
        execl(self, self, how, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
        printf("%s: killed by signal %d (%s)\n", how, WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
        printf("%s: exit %d\n", how, WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        crash(argv[1]);
        return 0;
    }
    static char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return 1;
    self[n] = '\0';
    run(self, "abort");
    run(self, "segv");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: abort: killed by signal 6 (Aborted)
// EXPECT: segv: killed by signal 11 (Segmentation fault)
// EXPECT: WARNING: DATA RACE
// EXPECT:       {{FILE}}:{{LINE:writer}} {{OFF}}
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT:       {{FILE}}:{{LINE:writer}} {{OFF}}
// EXPECT: ==================
// EXPECT-COUNT: 2 WARNING: DATA RACE
// EXPECT-NOT: Found 1 data race
