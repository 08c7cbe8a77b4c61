/*
 * exec_env.h: the environment a program started by exec or posix_spawn
 * gets from a process under the detector (exec_env.c): the detector goes
 * with it, even when the caller built a fresh environment (`env -i`, a
 * test harness's execve with its own envp) or removed LD_PRELOAD.
 */
#ifndef CRACE_EXEC_ENV_H
#define CRACE_EXEC_ENV_H

#include <stddef.h>

/* Learns this shim's path and this process's CRACE_OPTIONS, before the
 * program can change its environment. Call once at start. */
void exec_env_init(void);

/* What exec_env_init learns, given: shim NULL when the detector is not a
 * preloaded library (the unit tests link it into the program), options
 * NULL when the process had no CRACE_OPTIONS. Both are copied. */
void exec_env_capture(const char *shim, const char *options);

/*
 * A new program's environment, made from envp (NULL: an empty one).
 * Memory of its own, mapped (never the program's malloc: the caller may
 * be a vfork child), released by exec_env_release when the exec fails.
 */
struct exec_env {
    char **envp;
    void *map;
    size_t size;
};

/*
 * The environment to pass instead of envp: envp itself when its
 * LD_PRELOAD (the last one, which the loader reads) names the shim and it
 * has CRACE_OPTIONS, or there is nothing to add; else a copy, in e, with
 * LD_PRELOAD=SHIM (followed by the caller's list, when it had one) and
 * the CRACE_OPTIONS this process started with when envp has none (one the
 * program set itself is left as it is).
 */
char *const *exec_env_for(char *const *envp, struct exec_env *e);

/* Frees what exec_env_for mapped, leaving errno as it was. */
void exec_env_release(struct exec_env *e);

#endif /* CRACE_EXEC_ENV_H */
