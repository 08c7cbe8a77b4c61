/* rt.c: the shim's allocation, internal errors and symbol resolution. */
#include "rt.h"
#include "shimlock.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The shim's allocations go to glibc's allocator directly, past its own
 * malloc interceptor. The engine built alone under gcc's ThreadSanitizer
 * or AddressSanitizer (make san-test) has no interceptors, and must use
 * the sanitizer's malloc, or the sanitizer cannot see memory being freed
 * and reused (and reports the reuse as a race or a bad access). */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define RT_CALLOC calloc
#define RT_REALLOC realloc
#define RT_MEMALIGN aligned_alloc
#define RT_FREE free
#else
#define RT_CALLOC __libc_calloc
#define RT_REALLOC __libc_realloc
#define RT_MEMALIGN __libc_memalign
#define RT_FREE __libc_free
#endif

CRACE_TLS int crace_busy;

void *crace_alloc(size_t size)
{
    void *p = RT_CALLOC(1, size ? size : 1);
    if (!p)
        crace_fatal("out of memory (allocating %zu bytes for the detector)", size);
    return p;
}

void *crace_realloc(void *p, size_t size)
{
    void *q = RT_REALLOC(p, size ? size : 1);
    if (!q)
        crace_fatal("out of memory (allocating %zu bytes for the detector)", size);
    return q;
}

void *crace_alloc_lines(size_t size, bool zeroed)
{
    size_t bytes = ((size ? size : 1) + CRACE_LINE - 1) & ~(size_t)(CRACE_LINE - 1);
    void *p = RT_MEMALIGN(CRACE_LINE, bytes);
    if (!p)
        crace_fatal("out of memory (allocating %zu bytes for the detector)", size);
    if (zeroed)
        memset(p, 0, bytes);
    return p;
}

void crace_free(void *p)
{
    RT_FREE(p);
}

char *crace_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = crace_alloc(n);
    memcpy(d, s, n);
    return d;
}

void *crace_mmap(size_t size)
{
    /* The system calls themselves: mmap and munmap are interceptors of
     * the shim's own (intercept_mmap.c), and these run before it is
     * ready. */
    void *p = (void *)syscall(SYS_mmap, NULL, size, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        int err = errno;
        /* The tables are reserved, not used (MAP_NORESERVE): a failure
         * is nearly always an address-space limit, which counts what is
         * reserved. Name it, with the way out. */
        struct rlimit as;
        if (err == ENOMEM && getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
            crace_fatal("cannot reserve %zu MiB of address space for the detector's tables (mmap: %s): "
                        "the address-space limit (ulimit -v) is %llu MiB, and crace reserves about "
                        "4.5 GiB beyond what the program needs (address space, mostly never touched); "
                        "raise the limit by 5 GiB or more, or lift it (`ulimit -v unlimited`)",
                        size >> 20, strerror(err), (unsigned long long)(as.rlim_cur >> 20));
        crace_fatal("cannot reserve %zu MiB of address space for the detector's tables (mmap: %s)",
                    size >> 20, strerror(err));
    }
    return p;
}

const char *crace_proc_dir(void)
{
    enum { UNKNOWN, THREAD_SELF, SELF };
    static int which = UNKNOWN;
    int w = __atomic_load_n(&which, __ATOMIC_RELAXED);
    if (w == UNKNOWN) {
        w = syscall(SYS_faccessat, AT_FDCWD, "/proc/thread-self", F_OK, 0) == 0 ? THREAD_SELF : SELF;
        __atomic_store_n(&which, w, __ATOMIC_RELAXED);
    }
    return w == THREAD_SELF ? "/proc/thread-self" : "/proc/self";
}

void crace_munmap(void *p, size_t size)
{
    syscall(SYS_munmap, p, size);
}

void crace_check_failed(const char *file, int line, const char *cond)
{
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "crace internal error: %s:%d: CHECK failed: %s\n", file, line, cond);
    if (n > 0 && write(2, buf, (size_t)n) < 0)
        _exit(3);
    _exit(3);
}

/* The next definition of name after the shim (libc's), or a fatal error:
 * running on without the real function would break the program. */
void *crace_real(const char *name, const char *version)
{
    void *p = version ? dlvsym(RTLD_NEXT, name, version) : dlsym(RTLD_NEXT, name);
    if (!p)
        crace_fatal("cannot find the real '%s'%s%s: %s", name, version ? " version " : "",
                    version ? version : "", dlerror());
    return p;
}
