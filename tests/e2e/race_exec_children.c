/* The detector follows exec: LD_PRELOAD and CRACE_OPTIONS are inherited,
 * so a child program started by fork+execv, posix_spawn, vfork+execv or
 * system() runs under the detector afresh, reports its own race, writes
 * its own PREFIX.PID.jsonl when json_path is set, and exits with its own
 * status (66). The parent, which races with nobody, is unaffected by the
 * detector in its children: it only checks what they did. The program
 * re-executes itself (/proc/self/exe) with the argument "child". */
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int racy;

static void *writer(void *arg)
{
    (void)arg;
    racy = 1; // LINE:child_worker
    return NULL;
}

static int child(void)
{
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    racy = 2; // LINE:child_main
    pthread_join(t, NULL);
    printf("child %d: racy=%d\n", (int)getpid(), racy);
    return 0;
}

/* The last json_path in CRACE_OPTIONS (the detector's rule), or NULL. */
static const char *json_prefix(char *buf, size_t cap)
{
    const char *o = getenv("CRACE_OPTIONS"), *last = NULL;
    for (const char *p = o; p && (p = strstr(p, "json_path=")) != NULL; p++)
        if (p == o || p[-1] == ' ' || p[-1] == ':')
            last = p + strlen("json_path=");
    if (!last)
        return NULL;
    size_t n = strcspn(last, " :");
    if (n == 0 || n >= cap)
        return NULL;
    memcpy(buf, last, n);
    buf[n] = '\0';
    return buf;
}

/* The child's own findings file holds its race. */
static const char *check_json(pid_t pid)
{
    char prefix[1024], path[1100], line[8192];
    if (!json_prefix(prefix, sizeof(prefix)))
        return "no json_path";
    snprintf(path, sizeof(path), "%s.%d.jsonl", prefix, (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return "no file of its own";
    const char *verdict = "no data race in its file";
    while (fgets(line, sizeof(line), f))
        if (strstr(line, "\"data_race\""))
            verdict = "its own file has the race";
    fclose(f);
    return verdict;
}

static void report(const char *how, pid_t pid, int st)
{
    printf("%s: exit %d, %s\n", how, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
           pid > 0 ? check_json(pid) : "pid unknown");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();
    static char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return 1;
    self[n] = '\0';
    char *args[] = {self, "child", NULL};
    int st;

    pid_t pid = fork();
    if (pid == 0) {
        execv(self, args);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    report("fork+execv", pid, st);

    if (posix_spawn(&pid, self, NULL, NULL, args, environ) != 0)
        return 1;
    waitpid(pid, &st, 0);
    report("posix_spawn", pid, st);

    pid = vfork();
    if (pid == 0) {
        execv(self, args);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    report("vfork+execv", pid, st);

    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "'%s' child", self);
    st = system(cmd);
    report("system", 0, st);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: fork+execv: exit 66, its own file has the race
// EXPECT: posix_spawn: exit 66, its own file has the race
// EXPECT: vfork+execv: exit 66, its own file has the race
// EXPECT: system: exit 66, pid unknown
// EXPECT: WARNING: DATA RACE
// EXPECT-COUNT: 4 WARNING: DATA RACE
// EXPECT-COUNT: 4 Found 1 data race(s)
