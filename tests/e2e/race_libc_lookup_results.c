/* More results libc writes into the caller's memory: the user and group
 * lookups (getpwnam_r, getpwuid_r, getgrnam_r, getgrgid_r: the struct,
 * and the strings in the caller's buffer), getrlimit's and prlimit's
 * limits, sigaction's old action and pselect's fd sets. A worker fills
 * shared ones and says so through a relaxed atomic, which orders nothing
 * (the strings in the buffers are handed on the same way); main's reads
 * of them race with libc's writes, at the calls' lines. */
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
static atomic_int done;

static void *worker(void *arg)
{
    int fd = *(int *)arg;
    struct passwd *pw;
    struct group *gr;
    getpwnam_r("root", &by_name, name_buf, sizeof(name_buf), &pw); // LINE:getpwnam
    if (getpwuid_r(0, &by_uid, uid_buf, sizeof(uid_buf), &pw) == 0 && pw) // LINE:getpwuid
        atomic_store_explicit(&user_name, pw->pw_name, memory_order_relaxed);
    getgrnam_r("root", &group_by_name, gname_buf, sizeof(gname_buf), &gr); // LINE:getgrnam
    if (getgrgid_r(0, &group_by_gid, gid_buf, sizeof(gid_buf), &gr) == 0 && gr) // LINE:getgrgid
        atomic_store_explicit(&group_name, gr->gr_name, memory_order_relaxed);
    getrlimit(RLIMIT_NOFILE, &files); // LINE:getrlimit
    prlimit(0, RLIMIT_STACK, NULL, &stack); // LINE:prlimit
    sigaction(SIGUSR1, NULL, &old_usr1); // LINE:sigaction
    struct timespec second = {1, 0};
    pselect(fd + 1, &readable, NULL, NULL, &second, NULL); // LINE:pselect
    atomic_store_explicit(&done, 1, memory_order_relaxed);
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
    while (!atomic_load_explicit(&done, memory_order_relaxed))
        usleep(1000);
    int uid = (int)by_name.pw_uid; // LINE:pw_struct
    char *u = atomic_load_explicit(&user_name, memory_order_relaxed);
    char user = u ? u[0] : '?'; // LINE:pw_string
    int gid = (int)group_by_name.gr_gid; // LINE:gr_struct
    char *g = atomic_load_explicit(&group_name, memory_order_relaxed);
    char group = g ? g[0] : '?'; // LINE:gr_string
    int limited = files.rlim_cur > 0; // LINE:rlimit
    limited &= stack.rlim_max > 0; // LINE:prlimit_old
    int dfl = old_usr1.sa_handler == SIG_DFL; // LINE:sigaction_old
    int ready = FD_ISSET(fds[0], &readable) != 0; // LINE:fd_set
    pthread_join(t, NULL);
    printf("%d %c %d %c %d %d %d\n", uid, user, gid, group, limited, dfl, ready);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 0 r 0 r 1 1 1
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:pw_struct}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:getpwnam}} {{OFF}}
// EXPECT: Location is global 'by_name' of size 48 at {{ADDR}} (race_libc_lookup_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:pw_string}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:getpwuid}} {{OFF}}
// EXPECT: Location is global 'uid_buf' of size 4096 at {{ADDR}} (race_libc_lookup_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:gr_struct}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:getgrnam}} {{OFF}}
// EXPECT: Location is global 'group_by_name' of size 32 at {{ADDR}} (race_libc_lookup_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:gr_string}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:getgrgid}} {{OFF}}
// EXPECT: Location is global 'gid_buf' of size 4096 at {{ADDR}} (race_libc_lookup_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:rlimit}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:getrlimit}} {{OFF}}
// EXPECT: Location is global 'files' of size 16 at {{ADDR}} (race_libc_lookup_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:prlimit_old}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:prlimit}} {{OFF}}
// EXPECT: Location is global 'stack' of size 16 at {{ADDR}} (race_libc_lookup_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:sigaction_old}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:sigaction}} {{OFF}}
// EXPECT: Location is global 'old_usr1' of size 152 at {{ADDR}} (race_libc_lookup_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:fd_set}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:pselect}} {{OFF}}
// EXPECT: Location is global 'readable' of size 128 at {{ADDR}} (race_libc_lookup_results+{{ADDR}})
// EXPECT: Found 8 data race(s)
// EXPECT-COUNT: 8 WARNING: DATA RACE
