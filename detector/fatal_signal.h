/*
 * fatal_signal.h: signals that end the process wait for the finding being
 * written (fatal_signal.c).
 */
#ifndef CRACE_FATAL_SIGNAL_H
#define CRACE_FATAL_SIGNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* Installs the shim's handler for each terminating signal still at its
 * default action. At start-up, before the program runs. */
void fatal_signal_init(void);

/* Around the writes of one finding (its text and its record). */
void fatal_signal_begin_write(void);
void fatal_signal_end_write(void);

/* For intercept_signal.c: whether sig is one of those signals, the
 * action that stands for its default, and whether act is that action. */
bool fatal_signal_guarded(int sig);
void fatal_signal_action(struct sigaction *act);
bool fatal_signal_is_ours(const struct sigaction *act);

/* The instruction a signal interrupted, from its handler's context
 * argument; 0 when unknown. */
uintptr_t crace_ucontext_ip(const void *uctx);
/* The stack pointer there; 0 when unknown. */
uintptr_t crace_ucontext_sp(const void *uctx);

#endif /* CRACE_FATAL_SIGNAL_H */
