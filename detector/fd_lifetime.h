/*
 * fd_lifetime.h: a file descriptor's number as memory, so that a use of a
 * descriptor racing with its close is a data race (ThreadSanitizer's
 * model). intercept_fd.c calls these around the real calls; the report
 * names the location ("Location is file descriptor 3 created by ...").
 *
 * A use (read, write, send, receive, connect, accept, epoll, a dup of it,
 * a dup2 onto it) reads the descriptor, and close() writes it.
 * A creation starts it afresh (its record is cleared, its creator noted
 * for the report), and so does a close once checked, before the number
 * is free: a creation crace does not see (epoll_create, an fopen inside
 * libc) never meets a stale close. A creation is not a write: the
 * record of one whose close crace did not see (fclose of an fdopen) would
 * meet such an unseen creation. A dup2 onto a descriptor keeps its
 * record: its read races with a close() of the number.
 *
 * Descriptors at or above CRACE_FD_CHECKED are not checked, and the child
 * of a fork starts with no records (its table is a copy of its own).
 * Calls from code that is not instrumented are not checked either (a
 * library may order its uses in ways crace cannot see), but their
 * creations still clear the record.
 */
#ifndef CRACE_FD_LIFETIME_H
#define CRACE_FD_LIFETIME_H

#include <stdbool.h>
#include <stdint.h>

#include "stackdepot.h"
#include "thread.h"

#define CRACE_FD_CHECKED 65536

/* Before a call that uses fd (before the hand-off's release, which must
 * cover the use). */
void crace_fd_use(crace_thread *t, int fd, uintptr_t pc);
/* Before close(fd). */
void crace_fd_end(crace_thread *t, int fd, uintptr_t pc);
/* After crace_fd_end, before the real close (the number is not free
 * yet), and again after a successful one: the record starts afresh. */
void crace_fd_ended(int fd);
/* After a call that returned the new descriptor fd. */
void crace_fd_created(crace_thread *t, int fd, uintptr_t pc);
/* After a dup2 or dup3 onto fd (crace_fd_use before it). */
void crace_fd_replaced(crace_thread *t, int fd, uintptr_t pc);

/* Is addr a descriptor's memory? Its number, and who created it where
 * (gid 0: a descriptor the program did not create, or not in
 * instrumented code). */
bool crace_fd_describe(uintptr_t addr, int *fd, uint64_t *gid, stack_id *stack);

#endif /* CRACE_FD_LIFETIME_H */
