/*
 * intercept_malloc.c: the allocation functions. Each block the program
 * gets is recorded in the heap table (heap.h) with its size, goroutine
 * and stack; freeing it is a write of the whole block, so a use racing
 * with the free is reported.
 *
 * The real allocator is reached through glibc's __libc_* entry points,
 * not dlsym: these functions run before the shim is initialised and from
 * inside dlsym itself. Until the shim is ready, and while the calling
 * thread is inside the shim (its own libraries, libunwind and libdw,
 * allocate through here), allocations pass straight through unrecorded;
 * such blocks, like any pointer the table does not know, are later freed
 * silently.
 *
 * Order matters at free: the block is taken out of the table (heap_take,
 * its lookup and removal under one lock), the write checked and the sync
 * objects inside forgotten (sync_free_range) before the real free, because once glibc
 * has the memory back another thread may be handed the same address, and
 * its heap_alloc must not be undone by ours. The shadow is not reset at
 * free (a later unsynchronised use then races with the free's write); it
 * is set when heap_alloc hands the memory out again: forgotten, or the
 * allocating thread's write (record). Its first bytes are marked freed
 * (mark_freed), so that any later use of them is reported: a heap use after
 * free when it is ordered after the free, a race with the free when not.
 * Memory handed out to a finished thread without heap_alloc (passed
 * through, below) keeps the free's write record instead of the marks.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include "access.h"
#include "glibc_state.h"
#include "heap.h"
#include "history.h"
#include "intercept.h"
#include "intercept_signal.h"
#include "lockorder.h"
#include "module.h"
#include "sync.h"

/* The thread to record an allocation for, or NULL to pass it through.
 * The program's call, `call` at pc, inside one of its signal handlers is
 * reported first, before the real call can deadlock on the allocator's
 * lock. */
static crace_thread *alloc_thread(const char *call, uintptr_t pc)
{
    if (CRACE_UNLIKELY(!crace_inited))
        return NULL;
    crace_thread *t = crace_cur;
    if (!t)
        t = crace_thread_attach();
    if (t->in_shim)
        return NULL;
    if (CRACE_UNLIKELY(t->handler_frame))
        crace_signal_unsafe_call(t, call, pc);
    return t;
}

/* Table updates run inside the shim: an allocation made meanwhile (by
 * libunwind while the stack is taken, or by a signal handler) passes
 * through, and nothing this thread does is checked. errno is kept: free
 * must not change it, and a lock's futex wait may. */
static int engine_enter(crace_thread *t)
{
    t->in_shim++;
    t->ignore++;
    return errno;
}

static void engine_leave(crace_thread *t, int saved_errno)
{
    t->ignore--;
    t->in_shim--;
    errno = saved_errno;
}

/* Records p, a new block of size bytes, and returns it. A block the
 * program's own code allocates, up to HIST_MAX_ACCESS_SIZE bytes (one
 * history event), counts as written by the allocating thread, as
 * ThreadSanitizer counts it: another thread's use of it that does not
 * happen after the allocation is reported (a pointer published without
 * synchronisation, a stale pointer into memory handed out again), and
 * the allocating thread's own first writes (initialising it, memset) and
 * its free find their record already there instead of each storing one
 * with a locked instruction per granule. A block allocated by
 * uninstrumented code (a library's, whose writes to it crace does not
 * see, nor the library's own hand-off of it to another thread) or a
 * bigger one starts with no record at all. */
static void *record(crace_thread *t, void *p, size_t size, uintptr_t pc)
{
    if (t && p) {
        bool small = size - 1 < HIST_MAX_ACCESS_SIZE && !crace_ignoring(t);
        /* Inside the shim: the module table may be rebuilt, which can
         * allocate. */
        int e = engine_enter(t);
        shadow_cell written = 0;
        /* Not the OpenMP tool's own blocks (its table of lock shadows):
         * it passes for instrumented code, but orders their uses by its
         * own lock, which is not the program's (crace_openmp_tool_own_lock). */
        if (small && crace_pc_instrumented(pc) && !crace_pc_in_openmp_tool(pc))
            written = sc_make(t->epoch, 0xff, true, false);
        heap_alloc((uintptr_t)p, size, t->gid, crace_current_stack(t, pc), written, t->own_cell);
        if (written) {
            t->used_clock = sc_clock(written);
            crace_hist_put_access(t, (uintptr_t)p, size, true, false, pc);
        }
        engine_leave(t, e);
    } else if (p) {
        /* Passed through, inside the shim: nothing sets the shadow. The
         * only program code that allocates there is a finished thread's
         * (its TLS destructors): its block may be one freed before, whose
         * marks must go (they become the free's write record). A block
         * the shim's own libraries get (libdw, while a report is printed)
         * keeps them: nothing reads it through the shadow, and a later
         * use of the freed block by the program is still seen. */
        crace_thread *self = crace_cur;
        if (self && atomic_load_explicit(&self->state, memory_order_relaxed) == THREAD_FINISHED)
            shadow_unmark_freed((uintptr_t)p, size, true);
    }
    return p;
}

/* How many of b's first bytes t's free marks freed (shadow.h). None for a
 * block glibc gave a mapping of its own: that goes back to the kernel at
 * once, and its addresses may come back as a mapping crace does not see
 * made, whose accesses must not meet the marks. */
static size_t freed_marked(crace_thread *t, const struct heap_block *b)
{
    if (!t || crace_ignoring(t) || glibc_chunk_mmapped((void *)b->start))
        return 0;
    return b->size < SHADOW_FREED_MAX ? b->size : SHADOW_FREED_MAX;
}

/* The first n bytes of b are marked freed by t (but the first done,
 * marked already: mark_covered), and the free is logged as a write of
 * them: the report of a later use restores its stack there. In the
 * shim. */
static void mark_freed(crace_thread *t, const struct heap_block *b, size_t n, size_t done, uintptr_t pc)
{
    uint64_t clock = sc_clock(t->epoch);
    if (done < n)
        shadow_mark_freed(b->start + done, n - done, t->slot, clock);
    t->used_clock = clock;
    crace_hist_put_access(t, b->start, n, true, false, pc);
}

/* The check and the marks of b's first n bytes in one pass, for as long
 * as t's own write of this epoch covers them (a block its thread
 * allocated, filled and frees with no release between): such granules
 * have nothing to check. Returns the bytes done; the rest takes the
 * general check, then the marks. */
static size_t mark_covered(crace_thread *t, const struct heap_block *b, size_t n)
{
    crace_busy++;
    shadow_cell want = sc_make(__atomic_load_n(&t->want, __ATOMIC_RELAXED), 0, true, false);
    size_t done = shadow_mark_freed_covered(b->start, n, t->slot, sc_clock(t->epoch), t->own_cell, want);
    crace_busy--;
    return done;
}

/* The program gives the block b back (taken out of the table already,
 * heap_take): a write of all of it by t (unless t is NULL: inside the
 * shim, only the bookkeeping), then its first bytes are marked freed, and
 * the sync objects inside it are forgotten. Before the real free or
 * realloc. The marked bytes are checked, not recorded: the marks take
 * their records' place. */
static void release_block(crace_thread *t, const struct heap_block *b, uintptr_t pc)
{
    size_t marked = freed_marked(t, b), done = 0;
    if (marked) {
        /* Where the block goes on past the marked bytes, their partial
         * last granule (marked whole) waits until the rest of the block
         * is checked. */
        done = mark_covered(t, b, b->size > marked ? marked & ~(size_t)(SHADOW_GRANULE - 1) : marked);
        if (done < marked)
            crace_access_range_check(t, b->start + done, marked - done, true, pc);
    }
    if (t && b->size > marked)
        crace_access_range_touched(t, b->start + marked, b->size - marked, true, pc);
    crace_thread *self = t ? t : crace_cur;
    if (self)
        self->in_shim++;
    if (marked)
        mark_freed(t, b, marked, done, pc);
    if (sync_free_range(b->start, b->size))
        lo_forget_range(b->start, b->size); /* mutexes freed without destroy */
    heap_take_done();
    if (self)
        self->in_shim--;
}

/* Recorded allocations -------------------------------------------------- */

CRACE_EXPORT void *malloc(size_t size)
{
    crace_thread *t = alloc_thread("malloc", CALLER_PC());
    return record(t, __libc_malloc(size), size, CALLER_PC());
}

CRACE_EXPORT void *calloc(size_t n, size_t size)
{
    /* The zeroing is the allocation's write (record). An overflowing
     * n * size fails inside. */
    crace_thread *t = alloc_thread("calloc", CALLER_PC());
    void *p = __libc_calloc(n, size);
    size_t bytes = p ? n * size : 0;
    return record(t, p, bytes, CALLER_PC());
}

CRACE_EXPORT void *memalign(size_t align, size_t size)
{
    crace_thread *t = alloc_thread("memalign", CALLER_PC());
    return record(t, __libc_memalign(align, size), size, CALLER_PC());
}

CRACE_EXPORT void *aligned_alloc(size_t align, size_t size)
{
    crace_thread *t = alloc_thread("aligned_alloc", CALLER_PC());
    return record(t, __libc_memalign(align, size), size, CALLER_PC());
}

CRACE_EXPORT int posix_memalign(void **memptr, size_t align, size_t size)
{
    /* glibc's checks: a power of two multiple of sizeof(void *). */
    if (align == 0 || align % sizeof(void *) != 0 || (align & (align - 1)) != 0)
        return EINVAL;
    crace_thread *t = alloc_thread("posix_memalign", CALLER_PC());
    void *p = __libc_memalign(align, size);
    if (!p)
        return ENOMEM;
    *memptr = record(t, p, size, CALLER_PC());
    return 0;
}

/*
 * C++'s operator new, as malloc: its call site is the program's, so that a
 * block the program's instrumented code allocates with new counts as
 * written by the allocating thread, as malloc's does (record). Through
 * libstdc++'s own operator new, the malloc inside had libstdc++'s code
 * for its caller, and a use of the block racing with its allocation was
 * not reported. Out of memory, the C++ runtime's operator new runs (its
 * new_handler loop, bad_alloc), which C cannot do.
 */
static void *new_block(const char *call, size_t size, size_t align, uintptr_t pc)
{
    if (size == 0)
        size = 1; /* a distinct block, as C++ requires */
    crace_thread *t = alloc_thread(call, pc);
    void *p = align ? __libc_memalign(align, size) : __libc_malloc(size);
    return record(t, p, size, pc);
}

/* The C++ runtime's enum class align_val_t and nothrow_t, as parameters. */
typedef size_t cxx_align_val_t;
typedef struct cxx_nothrow_t cxx_nothrow_t;

INTERCEPTOR(void *, _Znwm, size_t size)
{
    void *p = new_block("operator new", size, 0, CALLER_PC());
    return p ? p : REAL(_Znwm)(size);
}

INTERCEPTOR(void *, _Znam, size_t size)
{
    void *p = new_block("operator new[]", size, 0, CALLER_PC());
    return p ? p : REAL(_Znam)(size);
}

INTERCEPTOR(void *, _ZnwmRKSt9nothrow_t, size_t size, const cxx_nothrow_t *nt)
{
    void *p = new_block("operator new", size, 0, CALLER_PC());
    return p ? p : REAL(_ZnwmRKSt9nothrow_t)(size, nt);
}

INTERCEPTOR(void *, _ZnamRKSt9nothrow_t, size_t size, const cxx_nothrow_t *nt)
{
    void *p = new_block("operator new[]", size, 0, CALLER_PC());
    return p ? p : REAL(_ZnamRKSt9nothrow_t)(size, nt);
}

INTERCEPTOR(void *, _ZnwmSt11align_val_t, size_t size, cxx_align_val_t align)
{
    void *p = new_block("operator new", size, align, CALLER_PC());
    return p ? p : REAL(_ZnwmSt11align_val_t)(size, align);
}

INTERCEPTOR(void *, _ZnamSt11align_val_t, size_t size, cxx_align_val_t align)
{
    void *p = new_block("operator new[]", size, align, CALLER_PC());
    return p ? p : REAL(_ZnamSt11align_val_t)(size, align);
}

static size_t page_size(void)
{
    static size_t page; /* a benign race: every thread computes the same */
    if (!page)
        page = (size_t)sysconf(_SC_PAGESIZE);
    return page;
}

CRACE_EXPORT void *valloc(size_t size)
{
    crace_thread *t = alloc_thread("valloc", CALLER_PC());
    return record(t, __libc_memalign(page_size(), size), size, CALLER_PC());
}

CRACE_EXPORT void *pvalloc(size_t size)
{
    size_t page = page_size();
    if (size > SIZE_MAX - (page - 1)) {
        errno = ENOMEM;
        return NULL;
    }
    size_t rounded = (size + page - 1) & ~(page - 1);
    crace_thread *t = alloc_thread("pvalloc", CALLER_PC());
    return record(t, __libc_memalign(page, rounded), rounded, CALLER_PC());
}

/* Frees and reallocations ------------------------------------------------ */

CRACE_EXPORT void free(void *p)
{
    /* Bookkeeping even inside the shim (a thread's TLS destructors run
     * after it finished; a block freed there must not stay "live"), but
     * the write is checked only for the program. free never changes
     * errno, and a lock's futex wait or a report may. */
    if (CRACE_LIKELY(p != NULL && crace_inited)) {
        int e = errno;
        crace_thread *t = alloc_thread("free", CALLER_PC());
        struct heap_block b;
        if (heap_take((uintptr_t)p, &b))
            release_block(t, &b, CALLER_PC());
        errno = e;
    }
    __libc_free(p);
}

/*
 * realloc may move the block, so for every other thread it ends the old
 * block's life like free: a write of all of it, checked, and its sync
 * objects forgotten, before the real call (as under ThreadSanitizer, whose
 * realloc always moves). The result is a new block whose first
 * min(old, new) bytes this thread wrote (the copy).
 */
static void *realloc_block(const char *call, void *p, size_t size, uintptr_t pc)
{
    crace_thread *t = alloc_thread(call, pc);
    if (!p)
        return record(t, __libc_malloc(size), size, pc);
    struct heap_block old;
    bool known = crace_inited && heap_take((uintptr_t)p, &old);
    if (known)
        release_block(t, &old, pc);
    void *r = __libc_realloc(p, size);
    if (r) {
        record(t, r, size, pc);
        size_t kept = known && old.size < size ? old.size : size;
        if (t && known && kept)
            crace_access_range_touched(t, (uintptr_t)r, kept, true, pc);
    } else if (known && size != 0 && t) {
        /* Failed: the old block lives on (with a fresh shadow: its
         * history was given up with the release above). */
        int e = engine_enter(t);
        heap_alloc(old.start, old.size, old.gid, old.stack, 0, 0);
        engine_leave(t, e);
    }
    return r;
}

CRACE_EXPORT void *realloc(void *p, size_t size)
{
    return realloc_block("realloc", p, size, CALLER_PC());
}

CRACE_EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(n, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc_block("reallocarray", p, bytes, CALLER_PC());
}

/* The real answer: blocks carry no redzones, so nothing to adjust. The
 * slack past the size asked for is the program's to use too (glibc's
 * manual says so), and heap_alloc set the shadow of the size asked for
 * only: a bigger block freed there before may have left its marks. */
INTERCEPTOR(size_t, malloc_usable_size, void *p)
{
    size_t n = REAL(malloc_usable_size)(p);
    if (p && n)
        shadow_unmark_freed((uintptr_t)p, n, false);
    return n;
}
