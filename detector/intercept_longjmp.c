/*
 * intercept_longjmp.c: longjmp and its kin (_longjmp, siglongjmp,
 * __longjmp_chk, which _FORTIFY_SOURCE calls) leave instrumented frames
 * without their __tsan_func_exit. The frames the jump leaves are popped
 * from the thread's shadow stack, with an exit event each in its history,
 * before the real jump: without that, each jump out of n frames left n
 * stale frames on the shadow stack, in every later stack taken from it and
 * in the previous-access stacks replayed from the history (and a loop of
 * jumps grew it without bound).
 *
 * Which frames: those below the stack pointer the jmp_buf restores (glibc
 * keeps it mangled with the thread's pointer guard). The real stack is
 * walked with libunwind from here up to that pointer; a frame it leaves
 * was an instrumented one iff its return address is the shadow stack's
 * top (__tsan_func_entry is passed the function's return address), so
 * uninstrumented frames in between (libc's, a signal trampoline) are
 * passed over. A platform whose jmp_buf crace cannot read jumps with the
 * shadow stack unchanged, as before.
 *
 * Cost: a walk over the frames left, a few microseconds a jump (libunwind
 * masks signals around its cache at each step); ThreadSanitizer records
 * each setjmp instead, which takes a trampoline in assembly per setjmp
 * entry point. Jumps are rare where it matters (error paths, a test
 * framework's failed assertion).
 */
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <setjmp.h>
#include <stdint.h>

#include "access.h"
#include "intercept.h"
#include "intercept_signal.h"

/* The stack pointer env restores; 0 when unknown. */
static uintptr_t jmpbuf_sp(const void *env)
{
#if defined(__x86_64__) && defined(__GLIBC__)
    /* glibc's x86-64 layout (sysdeps/x86_64/jmpbuf-offsets.h): the
     * mangled stack pointer in word 6. PTR_MANGLE xors with the pointer
     * guard (the thread control block's word at %fs:0x30), then rotates
     * left by 17 bits. */
    uintptr_t v = ((const uintptr_t *)env)[6], guard;
    __asm__("mov %%fs:0x30, %0" : "=r"(guard));
    return ((v >> 17) | (v << 47)) ^ guard;
#else
    (void)env;
    return 0;
#endif
}

/* Pops t's shadow frames that a jump to stack pointer sp leaves. */
static void leave_frames(crace_thread *t, uintptr_t sp)
{
    if (!sp || t->depth == 0)
        return;
    t->in_shim++;
    unw_context_t uc;
    unw_cursor_t c;
    if (unw_getcontext(&uc) == 0 && unw_init_local(&c, &uc) == 0) {
        /* After each step: the return address of the frame just left,
         * and that frame's canonical frame address (its caller's stack
         * pointer at the call). A frame whose CFA is above sp survives.
         * A frame a signal interrupted gives the interrupted instruction
         * instead, which its handler's stack has as a frame of its own,
         * one byte on (intercept_signal.c's interrupted_at): a jump out of
         * a handler (siglongjmp from SIGSEGV) leaves that one too. */
        while (t->depth > 0 && unw_step(&c) > 0) {
            unw_word_t ip, cfa;
            if (unw_get_reg(&c, UNW_REG_IP, &ip) || unw_get_reg(&c, UNW_REG_SP, &cfa) || cfa > sp)
                break;
            uintptr_t top = t->shstack[t->depth - 1];
            if (top == ip || top == ip + 1)
                crace_func_exit_slow(); /* the frame's missing __tsan_func_exit */
        }
    }
    t->in_shim--;
}

#define LONGJMP_INTERCEPTOR(name, buf_type)                \
    INTERCEPTOR(void, name, buf_type env, int val)         \
    {                                                      \
        crace_thread *t = crace_inited ? crace_cur : NULL; \
        if (t && t->handler_frame)                         \
            crace_signal_jump(t, jmpbuf_sp(env));          \
        if (t && !t->in_shim)                              \
            leave_frames(t, jmpbuf_sp(env));               \
        REAL(name)(env, val);                              \
        __builtin_unreachable();                           \
    }

/* glibc's, declared only under _FORTIFY_SOURCE. */
void __longjmp_chk(sigjmp_buf env, int val) __attribute__((noreturn));

LONGJMP_INTERCEPTOR(longjmp, jmp_buf)
LONGJMP_INTERCEPTOR(_longjmp, jmp_buf)
LONGJMP_INTERCEPTOR(siglongjmp, sigjmp_buf)
LONGJMP_INTERCEPTOR(__longjmp_chk, sigjmp_buf)
