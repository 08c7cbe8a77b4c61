/*
 * intercept_signal.h: running the program's signal handlers that were
 * deferred because they arrived while their thread was inside the
 * detector (intercept_signal.c).
 */
#ifndef CRACE_INTERCEPT_SIGNAL_H
#define CRACE_INTERCEPT_SIGNAL_H

#include <stdint.h>

#include "thread.h"

/* Runs the handlers of the signals deferred on t (the calling thread),
 * when t is at a safe point: not inside the shim (in_shim), holding no
 * detector lock and changing none of its own structures (crace_busy).
 * Otherwise leaves them for the next safe point. Called by the access
 * slow path (for the program's code, every instrumented access is one),
 * at the start of every interceptor, and right before a blocking call
 * (dl_block), where a deferred handler may be what would wake it. at is
 * the program's location there (a return address), the call site shown
 * under the handler's frames; 0 when unknown. */
/* The same from an interceptor called from pc: a call the shim makes on
 * its own behalf (its memcpy) is no safe point. */
void crace_signal_poll_from(crace_thread *t, uintptr_t pc);

/* t, inside the program's signal handler (t->handler_frame set), calls
 * `call` at pc, which is not async-signal-safe: reported once per pc
 * (misuse.h). */
void crace_signal_unsafe_call(crace_thread *t, const char *call, uintptr_t pc);

/* t has made signal sig due (arming a timer that sends it: intercept_timer.c):
 * its past so far happens before the handler and the sigwait that get
 * the signal, as kill's does. */
void crace_signal_publish(crace_thread *t, int sig);

/* t jumps (longjmp, siglongjmp) to the frame whose stack pointer is sp (0:
 * unknown). Unless that lies inside the running handler's frames, the
 * jump leaves the handler: t is no longer in one. */
void crace_signal_jump(crace_thread *t, uintptr_t sp);

/* The engine's modules call the poll through this pointer (thread.c),
 * set by intercept_signal.c when it first wraps a handler: the engine
 * built alone for its unit tests has no interceptors, and no signal is
 * ever deferred before a handler is wrapped. */
extern void (*crace_signal_runner)(crace_thread *t, uintptr_t at);

static inline void crace_signal_poll(crace_thread *t, uintptr_t at)
{
    void (*run)(crace_thread *, uintptr_t) = __atomic_load_n(&crace_signal_runner, __ATOMIC_RELAXED);
    if (run)
        run(t, at);
}

#endif /* CRACE_INTERCEPT_SIGNAL_H */
