/*
 * symbolize.h: stacks (libunwind) and program counters turned into
 * function, file:line:column (elfutils libdw), inlined frames included.
 *
 * Shared by libgochan (panic stacks) and libcrace (reports): the same
 * source is compiled into both, with hidden visibility.
 *
 * Thread-safe: one internal gc_lock serialises libdw, which is not. Must
 * not be called from a signal handler. Symbolization is slow and happens
 * only when something is printed.
 */
#ifndef GOCHAN_SYMBOLIZE_H
#define GOCHAN_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct Dwfl;

/* One symbolized frame. Strings live until the process exits. */
struct gc_frame {
    uintptr_t pc;          /* the address symbolized */
    const char *function;  /* "??" when unknown */
    const char *file;      /* NULL when unknown */
    int line;              /* 0 when unknown */
    int column;            /* 0 when unknown */
    const char *module;    /* path of the ELF object, NULL when unknown */
    uintptr_t module_base; /* load bias of the module */
    uintptr_t func_offset; /* pc minus the (outermost) function's entry */
    bool inlined;          /* an inlined frame; its caller follows at the same pc */
    bool line_guessed;     /* line 0 in the line table: line is the closest one before */
};

/* Unwinds the calling thread's stack with libunwind into pcs (return
 * addresses, innermost first), skipping the skip innermost frames of the
 * caller itself. Returns the number stored (at most max). Async-signal
 * safe enough for crash handlers (libunwind's local unwinder). */
size_t gc_unwind(uintptr_t *pcs, size_t max, unsigned skip);

/* Calls fn for each frame at pc, innermost inlined frame first and the
 * real function last. is_return_address: pc is a return address (from an
 * unwind), so the call instruction is at pc - 1. Stops early when fn
 * returns non-zero. Returns the number of frames reported (>= 1). */
int gc_symbolize(uintptr_t pc, bool is_return_address,
                 int (*fn)(const struct gc_frame *frame, void *arg), void *arg);

/* True for frames stacks leave out: the C library's and the thread
 * library's start-up code (__libc_start_main, start_thread, clone,
 * _start), libgochan's goroutine trampoline, and the frames of crace's
 * shim (libcrace.so) and of libgochan.so, which are not the program's
 * (Go's tracebacks leave the runtime's out likewise). */
bool gc_frame_is_hidden(const struct gc_frame *frame);

/* Writes pcs as Go prints a goroutine's stack:
 *     function()
 *     \tfile:line +0xoffset
 * skipping start-up frames, to fd with write(2). strip is a path prefix
 * removed from file names (NULL for none). */
void gc_print_stack(int fd, const uintptr_t *pcs, size_t n, const char *strip);

/* file without the prefix strip (and the slashes after it), as
 * gc_print_stack shows it; file itself when it does not start with strip
 * or strip is NULL or empty. */
const char *gc_strip_path(const char *file, const char *strip);

/* Reports every module the dynamic loader has loaded to dwfl (between
 * dwfl_report_begin and dwfl_report_end), at the loader's own addresses
 * and by the path the process maps it from. For any Dwfl that describes
 * this process: dwfl_linux_proc_report misplaces a library when another
 * mapping of its file lies just below it. Takes the loader's lock, last
 * in the lock order (nothing of ours is taken under it). 0, or -1 when
 * out of memory or /proc is not mounted. */
int gc_dwfl_report_loaded(struct Dwfl *dwfl);

/* Around fork(): lock takes the symbolizer's lock (in a fork prepare
 * handler, so the child does not inherit libdw half-way through an
 * update), unlock releases it in the parent, reset frees it in the child,
 * where the thread that held it does not exist. */
void gc_symbolize_fork_lock(void);
void gc_symbolize_fork_unlock(void);
void gc_symbolize_fork_reset(void);

#endif /* GOCHAN_SYMBOLIZE_H */
