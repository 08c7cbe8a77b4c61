/*
 * crash.h: what a program that crashes under the detector prints
 * (crash.c).
 */
#ifndef CRACE_CRASH_H
#define CRACE_CRASH_H

#include <signal.h>

/* A fault the kernel raised in the program (sig with info, at uctx's
 * instruction), or an abort it made itself (SIGABRT), which will end the
 * process: prints the fault and the goroutine's stack on stderr, as Go
 * does. Called from the signal handler (fatal_signal.c) before the
 * process dies of it; only the first call prints. */
void crace_crash_report(int sig, const siginfo_t *info, const void *uctx);

struct crace_thread;
/* Go's "created by FUNCTION in goroutine N" and its file:line, on stderr,
 * for any goroutine but the main one: the last lines of a goroutine's
 * stack in a crash or a panic. */
void crace_print_creation(const struct crace_thread *t);

#endif /* CRACE_CRASH_H */
