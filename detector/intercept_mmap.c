/*
 * intercept_mmap.c: memory mappings that come and go (mmap, munmap,
 * mremap, and the libraries dlclose unloads, and the loader's names of
 * them that dl_iterate_phdr hands out). A range that is unmapped,
 * or mapped afresh, holds nothing of its past: its shadow and its sync
 * objects are forgotten, so that accesses made to a previous mapping at
 * the same address (another library loaded where a closed one was, a
 * pool allocator's mmap after its munmap) are never compared with the
 * new ones: that would be a false race. ThreadSanitizer does the same.
 *
 * The program's mappings only: calls the shim makes for itself pass
 * through (crace_pc_in_shim), and glibc's own (malloc's large blocks,
 * thread stacks) use the system call directly, heap.c and thread.c
 * handling what they hold.
 */
#include <dlfcn.h>
#include <link.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>

#include "intercept.h"
#include "lockorder.h"
#include "shadow.h"
#include "sync.h"

/* [addr, addr + size) holds nothing of its past. */
static void forget_range(crace_thread *t, uintptr_t addr, size_t size)
{
    if (!size)
        return;
    t->in_shim++;
    shadow_reset(addr, size);
    if (sync_free_range(addr, size))
        lo_forget_range(addr, size); /* mutexes unmapped without destroy */
    t->in_shim--;
}

/* The program's own call (not the shim's, not before the shim is up). */
static crace_thread *map_thread(uintptr_t pc)
{
    if (CRACE_UNLIKELY(!crace_inited) || crace_pc_in_shim(pc))
        return NULL;
    crace_thread *t = crace_cur;
    if (!t)
        t = crace_thread_attach();
    return t->in_shim ? NULL : t;
}

/* A new mapping's result: fresh memory, when there is one. */
static void *mapped(crace_thread *t, void *p, size_t len)
{
    if (t && p != MAP_FAILED)
        forget_range(t, (uintptr_t)p, len);
    return p;
}

INTERCEPTOR(void *, mmap, void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    crace_thread *t = map_thread(CALLER_PC());
    return mapped(t, REAL(mmap)(addr, len, prot, flags, fd, off), len);
}

/* glibc on 64 bits: the same function under a second name. */
INTERCEPTOR(void *, mmap64, void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    crace_thread *t = map_thread(CALLER_PC());
    return mapped(t, REAL(mmap64)(addr, len, prot, flags, fd, off), len);
}

INTERCEPTOR(int, munmap, void *addr, size_t len)
{
    crace_thread *t = map_thread(CALLER_PC());
    int r = REAL(munmap)(addr, len);
    if (t && r == 0)
        forget_range(t, (uintptr_t)addr, len);
    return r;
}

/* The contents move, but the accesses to them stay with the old addresses
 * in the shadow: both ranges start afresh (a missed race rather than a
 * false one). */
INTERCEPTOR(void *, mremap, void *old, size_t old_len, size_t new_len, int flags, ...)
{
    crace_thread *t = map_thread(CALLER_PC());
    void *target = NULL;
    if (flags & MREMAP_FIXED) {
        va_list ap;
        va_start(ap, flags);
        target = va_arg(ap, void *);
        va_end(ap);
    }
    void *p = REAL(mremap)(old, old_len, new_len, flags, target);
    if (t && p != MAP_FAILED) {
        forget_range(t, (uintptr_t)old, old_len);
        forget_range(t, (uintptr_t)p, new_len);
    }
    return p;
}

/* ------------------------------------------------ dlclose */

/* The loaded segments of the process, as dl_iterate_phdr lists them. */
struct segments {
    struct segment {
        uintptr_t lo, hi;
    } *v;
    size_t n, cap;
};

static int add_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct segments *s = arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        if (s->n == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 64;
            s->v = crace_realloc(s->v, s->cap * sizeof(s->v[0]));
        }
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        s->v[s->n++] = (struct segment){lo, lo + ph->p_memsz};
    }
    return 0;
}

static bool still_loaded(const struct segments *now, const struct segment *seg)
{
    for (size_t i = 0; i < now->n; i++)
        if (now->v[i].lo == seg->lo && now->v[i].hi == seg->hi)
            return true;
    return false;
}

/* The loader unmaps a library (and the dependencies only it held) with
 * the system call: the segments listed before the real dlclose and gone
 * after it are forgotten. */
INTERCEPTOR(int, dlclose, void *handle)
{
    INTERCEPTOR_ENTER(dlclose, handle);
    struct segments before = {0}, after = {0};
    thr->in_shim++;
    dl_iterate_phdr(add_segments, &before);
    thr->in_shim--;
    int r = REAL(dlclose)(handle);
    thr->in_shim++;
    dl_iterate_phdr(add_segments, &after);
    thr->in_shim--;
    for (size_t i = 0; i < before.n; i++)
        if (!still_loaded(&after, &before.v[i]))
            forget_range(thr, before.v[i].lo, before.v[i].hi - before.v[i].lo);
    crace_free(before.v);
    crace_free(after.v);
    return r;
}

/* ------------------------------------------------ dl_iterate_phdr */

/* The loader allocates a library's name (dlpi_name) at dlopen and frees
 * it at dlclose, under a lock of its own that crace does not see: a
 * callback's read of a name, then another thread's dlclose, raced. As
 * ThreadSanitizer does, the name's shadow is forgotten around each call
 * of the callback (and after it, in case it changed the pointer). */
struct phdr_call {
    int (*cb)(struct dl_phdr_info *, size_t, void *);
    void *data;
};

static void forget_name(const struct dl_phdr_info *info)
{
    if (info && info->dlpi_name)
        shadow_reset((uintptr_t)info->dlpi_name, strlen(info->dlpi_name) + 1);
}

static int phdr_callback(struct dl_phdr_info *info, size_t size, void *arg)
{
    const struct phdr_call *c = arg;
    forget_name(info);
    int r = c->cb(info, size, c->data);
    forget_name(info);
    return r;
}

INTERCEPTOR(int, dl_iterate_phdr, int (*cb)(struct dl_phdr_info *, size_t, void *), void *data)
{
    INTERCEPTOR_ENTER(dl_iterate_phdr, cb, data);
    struct phdr_call c = {cb, data};
    return REAL(dl_iterate_phdr)(phdr_callback, &c);
}
