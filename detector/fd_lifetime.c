/* fd_lifetime.c: a file descriptor's number as memory (fd_lifetime.h). */
#include "fd_lifetime.h"

#include <errno.h>
#include <stdatomic.h>

#include "access.h"
#include "fork.h"
#include "module.h"
#include "shadow.h"

/* One granule per descriptor, so that two descriptors never share a
 * record; the program never touches it, the shim reads and writes it on
 * the program's behalf. origin is who created it, and where (gid 0: not
 * seen). Written by the creating thread, read by reports: relaxed
 * atomics, a report may name the creator of a newer descriptor with the
 * same number, never garbage. */
static uint64_t fd_mem[CRACE_FD_CHECKED];
static struct {
    _Atomic uint64_t gid;
    _Atomic stack_id stack;
} origin[CRACE_FD_CHECKED];

static bool checked(int fd)
{
    return fd >= 0 && fd < CRACE_FD_CHECKED;
}

static void access_fd(crace_thread *t, int fd, bool is_write, uintptr_t pc)
{
    if (checked(fd) && crace_pc_instrumented(pc))
        crace_check_range(t, &fd_mem[fd], sizeof(fd_mem[0]), is_write, pc);
}

void crace_fd_use(crace_thread *t, int fd, uintptr_t pc)
{
    access_fd(t, fd, false, pc);
}

void crace_fd_end(crace_thread *t, int fd, uintptr_t pc)
{
    access_fd(t, fd, true, pc);
}

/* Both run after the real call, which set errno: they keep it. */
void crace_fd_ended(int fd)
{
    if (!checked(fd))
        return;
    int e = errno;
    shadow_reset((uintptr_t)&fd_mem[fd], sizeof(fd_mem[0]));
    atomic_store_explicit(&origin[fd].gid, 0, memory_order_relaxed);
    errno = e;
}

void crace_fd_replaced(crace_thread *t, int fd, uintptr_t pc)
{
    if (!checked(fd) || !crace_pc_instrumented(pc) || crace_ignoring(t))
        return;
    int e = errno;
    t->in_shim++;
    atomic_store_explicit(&origin[fd].stack, crace_current_stack(t, pc), memory_order_relaxed);
    atomic_store_explicit(&origin[fd].gid, t->gid, memory_order_relaxed);
    t->in_shim--;
    errno = e;
}

void crace_fd_created(crace_thread *t, int fd, uintptr_t pc)
{
    crace_fd_ended(fd); /* whatever the number meant before is gone */
    crace_fd_replaced(t, fd, pc);
}

/* The child of a fork has a table of its own, a copy: what the parent's
 * other threads did with their descriptors cannot meet what the child
 * does with its copies (a child closing every inherited descriptor before
 * exec would race with them all). The child's record starts empty. */
void fd_lifetime_fork(enum crace_fork_phase phase)
{
    if (phase == CRACE_FORK_CHILD)
        shadow_reset((uintptr_t)fd_mem, sizeof(fd_mem));
}

bool crace_fd_describe(uintptr_t addr, int *fd, uint64_t *gid, stack_id *stack)
{
    if (addr < (uintptr_t)fd_mem || addr >= (uintptr_t)(fd_mem + CRACE_FD_CHECKED))
        return false;
    *fd = (int)((addr - (uintptr_t)fd_mem) / sizeof(fd_mem[0]));
    *gid = atomic_load_explicit(&origin[*fd].gid, memory_order_relaxed);
    *stack = atomic_load_explicit(&origin[*fd].stack, memory_order_relaxed);
    return true;
}
