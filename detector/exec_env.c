/*
 * exec_env.c: the detector goes with every program a process under it
 * starts (exec_env.h). LD_PRELOAD and CRACE_OPTIONS normally travel in
 * the environment, but a caller that builds a fresh one (`env -i`, a test
 * harness's execve or posix_spawn with its own envp) or unsets them would
 * start its program unchecked, and `crace run` would then call a tree
 * clean whose leaves were never looked at. So the new program gets the
 * shim first in LD_PRELOAD, as `crace run` puts it, and this process's
 * CRACE_OPTIONS (json_path: its findings go where the run's do) unless
 * its environment sets its own.
 *
 * Both are captured at start, before the program can change its
 * environment, and never written again: any thread, and a vfork child,
 * reads them without a lock. The new array lives in an anonymous mapping
 * made with the system call, not in the program's heap: a vfork child
 * shares its parent's, and its malloc may be held by a parent thread.
 */
#include "exec_env.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt.h"

static const char preload_key[] = "LD_PRELOAD=";
static const char options_key[] = "CRACE_OPTIONS=";
enum { PRELOAD_KEY_LEN = sizeof(preload_key) - 1, OPTIONS_KEY_LEN = sizeof(options_key) - 1 };

/* Set by exec_env_capture, then only read. */
static char *shim_path;        /* absolute, or NULL: nothing to preload */
static const char *shim_base;  /* its file name, inside shim_path */
static char *options_entry;    /* "CRACE_OPTIONS=...", or NULL */

void exec_env_capture(const char *shim, const char *options)
{
    crace_free(shim_path);
    crace_free(options_entry);
    shim_path = options_entry = NULL;
    shim_base = NULL;
    /* The loader splits LD_PRELOAD at spaces and colons (crace run
     * refuses such a path too): a path holding one cannot be passed. */
    if (shim && shim[0] && !strpbrk(shim, " :")) {
        shim_path = crace_strdup(shim);
        const char *slash = strrchr(shim_path, '/');
        shim_base = slash ? slash + 1 : shim_path;
    }
    if (options) {
        size_t n = strlen(options);
        options_entry = crace_alloc(OPTIONS_KEY_LEN + n + 1);
        memcpy(options_entry, options_key, OPTIONS_KEY_LEN);
        memcpy(options_entry + OPTIONS_KEY_LEN, options, n + 1);
    }
}

void exec_env_init(void)
{
    /* The shim's own entry in the loader's list: preloaded, it has the
     * path LD_PRELOAD gave; linked into the program (the unit tests), the
     * main program's empty name, and nothing is preloaded. */
    Dl_info info;
    struct link_map *map = NULL;
    const char *shim = NULL;
    char abs[PATH_MAX];
    if (dladdr1((void *)exec_env_init, &info, (void **)&map, RTLD_DL_LINKMAP) && map && map->l_name &&
        map->l_name[0])
        shim = map->l_name;
    /* A relative path was the start directory's; the program may leave it. */
    if (shim && shim[0] != '/') {
        long n = syscall(SYS_getcwd, abs, sizeof(abs));
        size_t len = strlen(shim);
        if (n > 0 && (size_t)n + len + 1 <= sizeof(abs)) {
            abs[n - 1] = '/';
            memcpy(abs + n, shim, len + 1);
            shim = abs;
        } else {
            shim = NULL;
        }
    }
    exec_env_capture(shim, getenv("CRACE_OPTIONS"));
}

static bool has_key(const char *entry, const char *key, size_t len)
{
    return strncmp(entry, key, len) == 0;
}

/* Whether a LD_PRELOAD list names the shim: an entry with its file name
 * (another copy of crace's shim counts: two would fight over every
 * interceptor). The loader separates entries with spaces and colons. */
static bool names_shim(const char *list)
{
    size_t base = strlen(shim_base);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, " :");
        const char *name = p;
        for (const char *q = p; q < p + n; q++)
            if (*q == '/')
                name = q + 1;
        if ((size_t)(p + n - name) == base && memcmp(name, shim_base, base) == 0)
            return true;
        p += n;
        if (*p)
            p++;
    }
    return false;
}

char *const *exec_env_for(char *const *envp, struct exec_env *e)
{
    e->envp = NULL;
    e->map = NULL;
    e->size = 0;
    if (!shim_path && !options_entry)
        return envp;
    size_t n = 0;
    size_t last_preload = SIZE_MAX;
    bool has_options = false;
    for (; envp && envp[n]; n++) {
        if (has_key(envp[n], preload_key, PRELOAD_KEY_LEN))
            last_preload = n;
        else if (has_key(envp[n], options_key, OPTIONS_KEY_LEN))
            has_options = true;
    }
    const char *old = last_preload != SIZE_MAX ? envp[last_preload] + PRELOAD_KEY_LEN : "";
    bool add_preload = shim_path && !names_shim(old);
    bool add_options = options_entry && !has_options;
    if (!add_preload && !add_options)
        return envp;

    size_t shim_len = strlen(shim_path ? shim_path : ""), old_len = strlen(old);
    size_t slots = (n + 3) * sizeof(char *);
    size_t size = slots + PRELOAD_KEY_LEN + shim_len + 1 + old_len + 1;
    long page = sysconf(_SC_PAGESIZE);
    size = (size + (size_t)page - 1) & ~((size_t)page - 1);
    int saved = errno;
    void *map = (void *)syscall(SYS_mmap, NULL, size, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
    errno = saved;
    if (map == MAP_FAILED)
        return envp; /* no memory for it: the program runs as asked */
    e->map = map;
    e->size = size;
    char **v = map;
    char *preload = (char *)map + slots;
    if (add_preload) {
        memcpy(preload, preload_key, PRELOAD_KEY_LEN);
        memcpy(preload + PRELOAD_KEY_LEN, shim_path, shim_len);
        char *end = preload + PRELOAD_KEY_LEN + shim_len;
        if (old_len) {
            *end++ = ':';
            memcpy(end, old, old_len);
            end += old_len;
        }
        *end = '\0';
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        v[k++] = add_preload && i == last_preload ? preload : envp[i];
    if (add_preload && last_preload == SIZE_MAX)
        v[k++] = preload;
    if (add_options)
        v[k++] = options_entry;
    v[k] = NULL;
    e->envp = v;
    return v;
}

void exec_env_release(struct exec_env *e)
{
    if (!e->map)
        return;
    int saved = errno;
    syscall(SYS_munmap, e->map, e->size);
    errno = saved;
    e->map = NULL;
}
