/*
 * process_end.h: the record a process leaves when it ends, beside its
 * findings, for `crace run`'s summary (process_end.c).
 */
#ifndef CRACE_PROCESS_END_H
#define CRACE_PROCESS_END_H

/* Writes PREFIX.PID.process.json when json_path is set: status is the
 * process's exit status. Once per process; later calls do nothing. */
void process_end_write(int status);

/* Writes PREFIX.PID.instrumented, empty, when json_path is set: the
 * process runs code built with `crace cc` (the first __tsan_init), which
 * `crace run` looks for to say when no process did. Any process may tell
 * it, a shell that ends with _exit included. */
void process_mark_instrumented(void);

#endif /* CRACE_PROCESS_END_H */
