/*
 * intercept_exec.c: the exec family and posix_spawn, so that every program
 * a process under the detector starts is checked too, or said not to be.
 * Before the real call each one
 *   - judges the file it will run, and says when that cannot load the
 *     detector (unchecked.h: statically linked, 32-bit, set-id);
 *   - gives the new program an environment that carries the detector
 *     (exec_env.h): a fresh envp, `env -i`, an unset LD_PRELOAD would
 *     otherwise start it unchecked while crace run reports the tree
 *     clean.
 *
 * Each variant needs its own interceptor: glibc's execv, execvp, execl*
 * and posix_spawn reach the kernel through its internal __execve, which
 * no interposed execve sees. The l-forms build their argv, as glibc's do,
 * and go on as their v-form. A variant with no envp of its own passes
 * environ, and the p-variants search the caller's PATH, as glibc does.
 *
 * A vfork child may call any of these (vfork is fork under the detector,
 * intercept_fork.c, but a raw clone with CLONE_VM is not): nothing here
 * allocates from the program's heap or takes a detector lock besides the
 * report stream's, and errno is what the real call leaves. The new
 * environment is released when the exec fails; posix_spawn has passed it
 * on by the time it returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include "exec_env.h"
#include "intercept.h"
#include "unchecked.h"

/* The call is the program's: the shim is ready, and the thread is not
 * inside it (the shim never execs; this keeps it so). No thread record
 * is made for it: an exec needs none, and a CLONE_VM child has none of
 * its own. */
static bool exec_watched(void)
{
    if (!crace_inited)
        return false;
    crace_thread *t = crace_cur;
    return !(t && t->in_shim);
}

static int exec_file(const char *path, char *const argv[], char *const envp[]);
static int exec_search(const char *file, char *const argv[], char *const envp[]);

INTERCEPTOR(int, execve, const char *path, char *const argv[], char *const envp[])
{
    if (!exec_watched())
        return REAL(execve)(path, argv, envp);
    return exec_file(path, argv, envp);
}

INTERCEPTOR(int, execv, const char *path, char *const argv[])
{
    if (!exec_watched())
        return REAL(execv)(path, argv);
    return exec_file(path, argv, environ);
}

INTERCEPTOR(int, execvpe, const char *file, char *const argv[], char *const envp[])
{
    if (!exec_watched())
        return REAL(execvpe)(file, argv, envp);
    return exec_search(file, argv, envp);
}

INTERCEPTOR(int, execvp, const char *file, char *const argv[])
{
    if (!exec_watched())
        return REAL(execvp)(file, argv);
    return exec_search(file, argv, environ);
}

/* execve, and the variants that run a path with an environment. */
static int exec_file(const char *path, char *const argv[], char *const envp[])
{
    unchecked_check(AT_FDCWD, path, 0, argv);
    struct exec_env e;
    int r = REAL(execve)(path, argv, exec_env_for(envp, &e));
    exec_env_release(&e);
    return r;
}

/* execvpe, and the variants that search PATH. execvp's own path is
 * taken when environ needs nothing: the call the program made. */
static int exec_search(const char *file, char *const argv[], char *const envp[])
{
    unchecked_check_search(file, argv);
    struct exec_env e;
    char *const *env = exec_env_for(envp, &e);
    int r = env == environ ? REAL(execvp)(file, argv) : REAL(execvpe)(file, argv, env);
    exec_env_release(&e);
    return r;
}

INTERCEPTOR(int, fexecve, int fd, char *const argv[], char *const envp[])
{
    if (!exec_watched())
        return REAL(fexecve)(fd, argv, envp);
    unchecked_check(fd, "", AT_EMPTY_PATH, argv);
    struct exec_env e;
    int r = REAL(fexecve)(fd, argv, exec_env_for(envp, &e));
    exec_env_release(&e);
    return r;
}

#if __GLIBC_PREREQ(2, 34) /* execveat's wrapper */
INTERCEPTOR(int, execveat, int dirfd, const char *path, char *const argv[], char *const envp[],
            int flags)
{
    if (!exec_watched())
        return REAL(execveat)(dirfd, path, argv, envp, flags);
    unchecked_check(dirfd, path, flags, argv);
    struct exec_env e;
    int r = REAL(execveat)(dirfd, path, argv, exec_env_for(envp, &e), flags);
    exec_env_release(&e);
    return r;
}
#endif

INTERCEPTOR(int, posix_spawn, pid_t *restrict pid, const char *restrict path,
            const posix_spawn_file_actions_t *actions, const posix_spawnattr_t *restrict attr,
            char *const argv[restrict], char *const envp[restrict])
{
    if (!exec_watched())
        return REAL(posix_spawn)(pid, path, actions, attr, argv, envp);
    unchecked_check(AT_FDCWD, path, 0, argv);
    struct exec_env e;
    int r = REAL(posix_spawn)(pid, path, actions, attr, argv, exec_env_for(envp, &e));
    exec_env_release(&e);
    return r;
}

INTERCEPTOR(int, posix_spawnp, pid_t *restrict pid, const char *restrict file,
            const posix_spawn_file_actions_t *actions, const posix_spawnattr_t *restrict attr,
            char *const argv[restrict], char *const envp[restrict])
{
    if (!exec_watched())
        return REAL(posix_spawnp)(pid, file, actions, attr, argv, envp);
    unchecked_check_search(file, argv);
    struct exec_env e;
    int r = REAL(posix_spawnp)(pid, file, actions, attr, argv, exec_env_for(envp, &e));
    exec_env_release(&e);
    return r;
}

/* ---------------------------------------------------------------- the l-forms */

/* The arguments after arg up to the NULL that ends them, as glibc's
 * execl counts them; -1 beyond what an argv can hold (E2BIG). */
static ptrdiff_t count_args(va_list ap)
{
    va_list again;
    va_copy(again, ap);
    ptrdiff_t n = 1;
    while (va_arg(again, const char *)) {
        if (++n == INT_MAX) {
            n = -1;
            break;
        }
    }
    va_end(again);
    return n;
}

/* argv[0..argc] from arg and ap: argv[argc] is the NULL. */
static void fill_args(char **argv, ptrdiff_t argc, const char *arg, va_list ap)
{
    argv[0] = (char *)arg;
    for (ptrdiff_t i = 1; i <= argc; i++)
        argv[i] = va_arg(ap, char *);
}

/* In an l-form, after its last named parameter arg: argv, the arguments
 * up to the NULL that ends them, on the stack, and ap left after that
 * NULL (execle's envp follows it). Returns -1 with E2BIG when they are
 * more than an argv can hold. */
#define L_FORM_ARGV(argv, arg, ap)         \
    va_list ap;                            \
    va_start(ap, arg);                     \
    ptrdiff_t argc_ = count_args(ap);      \
    va_end(ap);                            \
    if (argc_ < 0) {                       \
        errno = E2BIG;                     \
        return -1;                         \
    }                                      \
    char *argv[argc_ + 1];                 \
    va_start(ap, arg);                     \
    fill_args(argv, argc_, arg, ap)

CRACE_EXPORT int execl(const char *path, const char *arg, ...)
{
    L_FORM_ARGV(argv, arg, ap);
    va_end(ap);
    return exec_watched() ? exec_file(path, argv, environ) : REAL(execv)(path, argv);
}

CRACE_EXPORT int execle(const char *path, const char *arg, ...)
{
    L_FORM_ARGV(argv, arg, ap);
    char *const *envp = va_arg(ap, char *const *);
    va_end(ap);
    return exec_watched() ? exec_file(path, argv, envp) : REAL(execve)(path, argv, envp);
}

CRACE_EXPORT int execlp(const char *file, const char *arg, ...)
{
    L_FORM_ARGV(argv, arg, ap);
    va_end(ap);
    return exec_watched() ? exec_search(file, argv, environ) : REAL(execvp)(file, argv);
}
