/*
 * run_descendants.c: waiting for the processes a `crace run` leaves
 * running after COMMAND ends.
 *
 * crace is their child subreaper, so every descendant of crace stays in
 * its subtree: an orphan is reparented to crace, not to init. Two things
 * follow. While any descendant runs, crace has a child (the descendant
 * itself or one of its ancestors); so "waitpid(-1) says ECHILD" is "the
 * whole run has ended", with no polling of /proc. And a process whose
 * chain of parents in /proc reaches crace is one of the run's, whatever
 * became of its parents; so the summary can name those still running
 * exactly, where a pid taken from a report file could have been reused.
 *
 * The wait takes its wake-ups from sigtimedwait: SIGCHLD, and the
 * signals that mean "stop" (someone pressed ^C, or a CI runner's
 * timeout sent SIGTERM: crace must not hold the job for its full wait).
 */
#include "run_descendants.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

/* How long crace waits for SIGKILL to take: bounded, since a process in
 * an uninterruptible wait (a hung NFS mount) can outlive it, and crace
 * must not hang on it. */
static const double kill_wait = 1.0;
/* Longest command line the summary shows per process. */
enum { COMMAND_MAX = 240 };

/* The signals that cut the wait short. */
static const int stop_signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};
enum { N_STOP_SIGNALS = sizeof stop_signals / sizeof stop_signals[0] };

bool run_descendants_adopt(void)
{
    if (prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) == 0)
        return true;
    fprintf(stderr,
            "crace: warning: cannot adopt the processes COMMAND leaves running "
            "(PR_SET_CHILD_SUBREAPER: %s): crace will not wait for them\n",
            strerror(errno));
    return false;
}

/* ------------------------------------------------ waiting */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Reaps every child that has ended; true while some remain. */
static bool reap_children(void)
{
    for (;;) {
        pid_t w = waitpid(-1, NULL, WNOHANG);
        if (w > 0)
            continue;
        if (w == 0)
            return true;
        if (errno != EINTR)
            return false; /* ECHILD: nothing of the run is left */
    }
}

/*
 * Waits until no child is left or `seconds` have passed, reaping; the
 * signals of wake must be blocked. Returns the stop signal that ended the
 * wait, or 0. A child ending after the reap and before sigtimedwait is
 * not missed: its SIGCHLD stays pending, blocked.
 */
static int wait_children(double seconds, const sigset_t *wake)
{
    double deadline = now() + seconds;
    while (reap_children()) {
        double left = deadline - now();
        if (left <= 0)
            return 0;
        struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        int sig = sigtimedwait(wake, NULL, &ts);
        if (sig > 0 && sig != SIGCHLD)
            return sig;
    }
    return 0;
}

/* SIGCHLD and the stop signals, but not one that is ignored: as with the
 * signals crace passes on to COMMAND, an ignored one (nohup) stays so. */
static void wake_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    for (int i = 0; i < N_STOP_SIGNALS; i++) {
        struct sigaction sa;
        if (sigaction(stop_signals[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
            sigaddset(set, stop_signals[i]);
    }
}

/* ------------------------------------------------ listing them */

struct proc_link {
    int pid;
    int ppid;
};

/* pid's parent and whether it still runs (not a zombie), from
 * /proc/PID/stat; false when it is gone. The name field may hold spaces
 * and ')': the state and the parent follow its last ')'. */
static bool read_link(int pid, int *ppid, bool *running)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    char *end = strrchr(buf, ')');
    char state;
    if (!end || sscanf(end + 1, " %c %d", &state, ppid) != 2)
        return false;
    *running = state != 'Z' && state != 'X';
    return true;
}

/* Appends s to out (at *len; out has room for COMMAND_MAX + 4), a space
 * first, control characters as '?' (an argument could otherwise forge a
 * summary line), cut with "..." past COMMAND_MAX. */
static void append_arg(char *out, size_t *len, const char *s)
{
    if (*len)
        out[(*len)++] = ' ';
    for (; *s && *len < COMMAND_MAX; s++)
        out[(*len)++] = iscntrl((unsigned char)*s) ? '?' : *s;
    if (*s && *len >= COMMAND_MAX) {
        memcpy(out + COMMAND_MAX, "...", 3);
        *len = COMMAND_MAX + 3;
    }
    out[*len] = '\0';
}

/* pid's executable (absolute, from /proc/PID/exe) and its arguments; its
 * argv[0] when the executable cannot be read (another user's, set-id). */
static char *describe(int pid)
{
    char path[64], exe[PATH_MAX];
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    size_t n = 0;
    char *args = crace_read_file(path, &n);
    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    ssize_t e = readlink(path, exe, sizeof exe - 1);
    char out[COMMAND_MAX + 4];
    size_t len = 0;
    out[0] = '\0';
    if (e > 0) {
        exe[e] = '\0';
        append_arg(out, &len, exe);
    }
    /* cmdline is argv, each NUL-terminated; argv[0] stands in for the
     * executable only when that was unreadable. */
    for (size_t i = 0; args && i < n && len < COMMAND_MAX; i += strlen(args + i) + 1)
        if (i > 0 || e <= 0)
            append_arg(out, &len, args + i);
    free(args);
    return crace_xstrdup(len ? out : "?");
}

/* The processes of the run still running, crace's descendants by their
 * parent links; false when /proc cannot be read. */
static bool list_running(struct run_process **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return false;
    struct proc_link *links = NULL;
    size_t n_links = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        int ppid;
        bool running;
        if (*end || pid <= 0 || !read_link((int)pid, &ppid, &running) || !running)
            continue;
        links = crace_xrealloc(links, (n_links + 1) * sizeof *links);
        links[n_links++] = (struct proc_link){(int)pid, ppid};
    }
    closedir(d);
    /* Closed under "child of": crace, then each process whose parent is
     * in the set, until a pass adds none. A link taken into the set gets
     * pid 0, so that no pass takes it twice. */
    int *set = crace_xmalloc((n_links + 1) * sizeof *set);
    size_t n_set = 0;
    set[n_set++] = (int)getpid();
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < n_links; i++) {
            for (size_t k = 0; links[i].pid && k < n_set; k++) {
                if (links[i].ppid != set[k])
                    continue;
                set[n_set++] = links[i].pid;
                links[i].pid = 0;
                grew = true;
            }
        }
    }
    free(links);
    *v = crace_xmalloc(n_set * sizeof **v);
    for (size_t k = 1; k < n_set; k++)
        (*v)[(*n)++] = (struct run_process){set[k], describe(set[k]), false};
    free(set);
    return true;
}

static void free_processes(struct run_process *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].command);
    free(v);
}

/* ------------------------------------------------ ending them */

/* Sends sig to every process of the run still running. */
static void signal_running(int sig, struct run_leftovers *out)
{
    struct run_process *v;
    size_t n;
    if (!list_running(&v, &n))
        return;
    for (size_t i = 0; i < n; i++) {
        /* A child of crace cannot end and have its pid reused before
         * this kill: it stays a zombie until crace reaps it. A deeper
         * descendant's parent may reap it meanwhile; that window is a
         * few system calls wide, and pids are handed out in a cycle. */
        if (kill(v[i].pid, sig) != 0)
            continue;
        size_t k = 0;
        while (k < out->n_ended && out->ended[k].pid != v[i].pid)
            k++;
        if (k == out->n_ended) {
            out->ended = crace_xrealloc(out->ended, (out->n_ended + 1) * sizeof *out->ended);
            out->ended[out->n_ended++] = v[i];
            v[i].command = NULL;
        }
        out->ended[k].sigkill = sig == SIGKILL;
    }
    free_processes(v, n);
}

/* SIGTERM, time to end, then SIGKILL; a stop signal cuts the time short
 * (the first one is the run's interruption). */
static void end_running(struct run_leftovers *out, const sigset_t *wake)
{
    signal_running(SIGTERM, out);
    int sig = wait_children(RUN_TERM_WAIT, wake);
    if (!out->interrupted)
        out->interrupted = sig;
    if (reap_children()) {
        signal_running(SIGKILL, out);
        sig = wait_children(kill_wait, wake);
        if (!out->interrupted)
            out->interrupted = sig;
    }
}

/* Drops from ended those in running: one that outlived even SIGKILL is
 * said once, as still running. */
static void drop_still_running(struct run_leftovers *out)
{
    size_t kept = 0;
    for (size_t k = 0; k < out->n_ended; k++) {
        bool running = false;
        for (size_t i = 0; i < out->n_running && !running; i++)
            running = out->running[i].pid == out->ended[k].pid;
        if (running)
            free(out->ended[k].command);
        else
            out->ended[kept++] = out->ended[k];
    }
    out->n_ended = kept;
}

void run_descendants_wait(double seconds, bool end_them, struct run_leftovers *out)
{
    *out = (struct run_leftovers){.end_them = end_them};
    sigset_t wake, saved;
    wake_signals(&wake);
    sigprocmask(SIG_BLOCK, &wake, &saved);
    double start = now();
    if (seconds > 0)
        out->interrupted = wait_children(seconds, &wake);
    out->waited = seconds > 0 ? now() - start : 0;
    if (end_them && reap_children())
        end_running(out, &wake);
    if (reap_children()) {
        out->unlisted = !list_running(&out->running, &out->n_running);
        drop_still_running(out);
    }
    sigprocmask(SIG_SETMASK, &saved, NULL);
}

void run_leftovers_free(struct run_leftovers *l)
{
    free_processes(l->ended, l->n_ended);
    free_processes(l->running, l->n_running);
    *l = (struct run_leftovers){0};
}
