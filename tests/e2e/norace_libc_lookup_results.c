/* The twin of race_libc_lookup_results: the same calls fill the same
 * shared results (the user and group lookups' structs and buffers,
 * getrlimit's and prlimit's limits, sigaction's old action, pselect's fd
 * sets), and main reads them only after joining the worker: no report. */
#define _GNU_SOURCE
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static struct passwd by_name, by_uid;
static char name_buf[4096], uid_buf[4096];
static struct group group_by_name, group_by_gid;
static char gname_buf[4096], gid_buf[4096];
static struct rlimit files, stack;
static struct sigaction old_usr1;
static fd_set readable;
static _Atomic(char *) user_name, group_name;

static void *worker(void *arg)
{
    int fd = *(int *)arg;
    struct passwd *pw;
    struct group *gr;
    getpwnam_r("root", &by_name, name_buf, sizeof(name_buf), &pw);
    if (getpwuid_r(0, &by_uid, uid_buf, sizeof(uid_buf), &pw) == 0 && pw)
        atomic_store_explicit(&user_name, pw->pw_name, memory_order_relaxed);
    getgrnam_r("root", &group_by_name, gname_buf, sizeof(gname_buf), &gr);
    if (getgrgid_r(0, &group_by_gid, gid_buf, sizeof(gid_buf), &gr) == 0 && gr)
        atomic_store_explicit(&group_name, gr->gr_name, memory_order_relaxed);
    getrlimit(RLIMIT_NOFILE, &files);
    prlimit(0, RLIMIT_STACK, NULL, &stack);
    sigaction(SIGUSR1, NULL, &old_usr1);
    struct timespec second = {1, 0};
    pselect(fd + 1, &readable, NULL, NULL, &second, NULL);
    return NULL;
}

int main(void)
{
    int fds[2];
    if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1)
        return 1;
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    pthread_t t;
    pthread_create(&t, NULL, worker, &fds[0]);
    pthread_join(t, NULL);
    int uid = (int)by_name.pw_uid;
    char *u = atomic_load_explicit(&user_name, memory_order_relaxed);
    char user = u ? u[0] : '?';
    int gid = (int)group_by_name.gr_gid;
    char *g = atomic_load_explicit(&group_name, memory_order_relaxed);
    char group = g ? g[0] : '?';
    int limited = files.rlim_cur > 0;
    limited &= stack.rlim_max > 0;
    int dfl = old_usr1.sa_handler == SIG_DFL;
    int ready = FD_ISSET(fds[0], &readable) != 0;
    printf("%d %c %d %c %d %d %d\n", uid, user, gid, group, limited, dfl, ready);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 0 r 0 r 1 1 1
// EXPECT-NOT: WARNING
