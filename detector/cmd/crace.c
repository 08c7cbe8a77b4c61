/*
 * crace.c: the `crace` command: main, subcommand dispatch, and what the
 * subcommands share (finding the libraries, running a child process).
 *
 * The command is a thin driver. The detector itself is libcrace.so, loaded
 * with LD_PRELOAD; `crace cc` builds programs that can be preloaded with it
 * and `crace run` preloads it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

/* ------------------------------------------------ files */

char *crace_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = 0, cap = 4096;
    char *buf = crace_xmalloc(cap);
    size_t got;
    /* One byte always left for the terminating NUL. */
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0)
            buf = crace_xrealloc(buf, cap *= 2);
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* ------------------------------------------------ where the libraries are */

const char *crace_self_exe(void)
{
    static char *self;
    if (self)
        return self;
    /* readlink does not say whether it truncated: grow until it fits. */
    for (size_t cap = 256;; cap *= 2) {
        char *buf = crace_xmalloc(cap);
        ssize_t n = readlink("/proc/self/exe", buf, cap);
        if (n < 0) {
            free(buf);
            return NULL;
        }
        if ((size_t)n < cap) {
            buf[n] = '\0';
            self = buf;
            return self;
        }
        free(buf);
    }
}

const char *crace_libdir(void)
{
    static char *libdir;
    if (libdir)
        return libdir;

    const char *env = getenv("CRACE_LIBDIR");
    if (env && *env) {
        libdir = realpath(env, NULL);
        if (!libdir)
            fprintf(stderr, "crace: CRACE_LIBDIR=%s: %s\n", env, strerror(errno));
        return libdir;
    }

    const char *self = crace_self_exe();
    if (!self) {
        fprintf(stderr,
                "crace: cannot find the crace executable (/proc/self/exe: %s); "
                "set CRACE_LIBDIR to the directory holding " CRACE_SHIM_NAME "\n",
                strerror(errno));
        return NULL;
    }
    /* build/bin/crace -> build/lib, PREFIX/bin/crace -> PREFIX/lib. */
    char *dir = crace_xstrdup(self);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    char *guess = crace_xasprintf("%s/../lib", dir);
    libdir = realpath(guess, NULL);
    if (!libdir)
        fprintf(stderr,
                "crace: library directory %s not found (%s); "
                "set CRACE_LIBDIR to the directory holding " CRACE_SHIM_NAME "\n",
                guess, strerror(errno));
    free(guess);
    free(dir);
    return libdir;
}

char *crace_library(const char *name)
{
    const char *dir = crace_libdir();
    if (!dir)
        return NULL;
    char *path = crace_xasprintf("%s/%s", dir, name);
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "crace: %s: %s (build it with `make`, or set CRACE_LIBDIR)\n", path,
                strerror(errno));
        free(path);
        return NULL;
    }
    return path;
}

/* ------------------------------------------------ running a child */

/* The signals passed on to the child when someone sends them to crace. */
static const int forwarded_signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
enum { N_FORWARDED = sizeof forwarded_signals / sizeof forwarded_signals[0] };

/* The running child, 0 when there is none. Written before the signals are
 * unblocked, read by the handler. */
static volatile sig_atomic_t spawn_child;

static void forward_signal(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    /* si_code <= 0 means a process sent it (kill, sigqueue, tgkill). The
     * kernel's own (the terminal's ^C, a hangup) reached the child's
     * process group already; sending it again would deliver it twice. */
    pid_t child = (pid_t)spawn_child;
    if (child > 0 && info->si_code <= 0)
        kill(child, sig);
}

static int shell_status(int wstatus)
{
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return WEXITSTATUS(wstatus);
}

int crace_spawn(char *const argv[], int *signal)
{
    if (signal)
        *signal = 0;
    /* The child reports a failed exec through this pipe; a successful exec
     * closes it (O_CLOEXEC), so an empty read means the program runs. */
    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC) != 0)
        return -1;

    /* Signals stay blocked from before the fork until spawn_child is set,
     * so none is lost in between or handled by the child before exec. */
    sigset_t block, saved_mask;
    sigemptyset(&block);
    for (int i = 0; i < N_FORWARDED; i++)
        sigaddset(&block, forwarded_signals[i]);
    sigprocmask(SIG_BLOCK, &block, &saved_mask);

    struct sigaction fwd = {.sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&fwd.sa_mask);
    struct sigaction saved[N_FORWARDED];
    for (int i = 0; i < N_FORWARDED; i++) {
        sigaction(forwarded_signals[i], NULL, &saved[i]);
        /* An ignored signal stays ignored, for crace and the child alike,
         * as a shell leaves it (nohup, background jobs). */
        if (saved[i].sa_handler != SIG_IGN)
            sigaction(forwarded_signals[i], &fwd, NULL);
    }

    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < N_FORWARDED; i++)
            sigaction(forwarded_signals[i], &saved[i], NULL);
        sigprocmask(SIG_SETMASK, &saved_mask, NULL);
        execvp(argv[0], argv);
        int err = errno;
        ssize_t w = write(errpipe[1], &err, sizeof err);
        (void)w; /* nothing more to do if even that fails */
        _exit(CRACE_EXIT_NOT_FOUND);
    }
    int fork_errno = errno;
    if (pid > 0)
        spawn_child = pid;
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);
    close(errpipe[1]);

    int status = -1;
    int err = fork_errno;
    if (pid > 0) {
        int child_err;
        ssize_t n;
        do
            n = read(errpipe[0], &child_err, sizeof child_err);
        while (n < 0 && errno == EINTR);

        /* Any other child is an orphan that crace run adopted as their
         * subreaper (cmd_run.c): reaped as it ends, its status dropped.
         * Left a zombie, it would still answer kill(pid, 0), and a test
         * waiting that way for its daemon to go would wait forever. */
        int wstatus;
        pid_t w;
        do
            w = waitpid(-1, &wstatus, 0);
        while ((w < 0 && errno == EINTR) || (w > 0 && w != pid));

        if (n == (ssize_t)sizeof child_err)
            err = child_err;
        else if (w == pid) {
            status = shell_status(wstatus);
            if (signal && WIFSIGNALED(wstatus))
                *signal = WTERMSIG(wstatus);
        }
        else
            err = errno;
    }
    close(errpipe[0]);

    spawn_child = 0;
    for (int i = 0; i < N_FORWARDED; i++)
        sigaction(forwarded_signals[i], &saved[i], NULL);
    if (status < 0)
        errno = err;
    return status;
}

/* ------------------------------------------------ dispatch */

struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    void (*help)(void);
};

static const struct command commands[] = {
#define CRACE_COMMAND_ENTRY(name, summary) {#name, summary, cmd_##name, cmd_##name##_help},
    CRACE_COMMANDS(CRACE_COMMAND_ENTRY)
#undef CRACE_COMMAND_ENTRY
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static const struct command *find_command(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void usage(FILE *f)
{
    fputs("usage: crace <command> [arguments]\n"
          "\n"
          "crace finds data races, deadlocks and misuse in C programs, like `go test -race`.\n"
          "\n"
          "Commands:\n",
          f);
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-6s %s\n", commands[i].name, commands[i].summary);
    fputs("  help   show this help; `crace help <command>` shows one command's help\n"
          "\n"
          "Options:\n"
          "  --help     show this help\n"
          "  --version  print crace's version\n"
          "\n"
          "Typical use:\n"
          "  crace cc -o t t.c     build with instrumentation; ./t still runs natively\n"
          "  crace run ./t         run under the detector: exit 66 on findings (a\n"
          "                        deadlock or panic too), else the program's status\n"
          "  CC='crace cc' make    build a whole project the same way\n",
          f);
}

static int unknown(const char *what, const char *name)
{
    fprintf(stderr, "crace: unknown %s '%s'\nRun 'crace --help' for usage.\n", what, name);
    return CRACE_EXIT_USAGE;
}

static int help(int argc, char **argv)
{
    if (argc < 1) {
        usage(stdout);
        return 0;
    }
    const struct command *c = find_command(argv[0]);
    if (!c)
        return unknown("command", argv[0]);
    c->help();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CRACE_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return help(argc - 2, argv + 2);
    if (strcmp(name, "--version") == 0) {
        puts("crace " CRACE_VERSION);
        return 0;
    }
    const struct command *c = find_command(name);
    if (c)
        return c->run(argc - 1, argv + 1);
    return unknown(name[0] == '-' ? "option" : "command", name);
}
