/*
 * report_json.h: findings as JSON Lines records, crace-report/1
 * (docs/report-format.md), written to PREFIX.PID.jsonl when the json_path
 * option is set, one write(2) per record on an O_APPEND descriptor.
 */
#ifndef CRACE_REPORT_JSON_H
#define CRACE_REPORT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "textbuf.h"

/* Opens this process's file when json_path is set; an unwritable path
 * stops the program (crace_fatal) before main. Called after output_init. */
void report_json_init(void);

/* Builds f's record (text: the block printed live) and appends it to
 * this process's file; nothing when json_path is empty. */
void report_json_write(const struct crace_finding *f, const char *text, size_t len);

/* Builds the record into buf (NUL-terminated, ending with "\n"); returns
 * its length, or cap when it did not fit. For tests, and the writer. */
size_t report_json_render(const struct crace_finding *f, const char *text, size_t len, char *buf, size_t cap);

/* Appends the "process" member (without braces around it): pid,
 * executable and arguments of this process. */
void report_json_put_process(struct sbuf *b);

/* Appends s (n bytes) to b as a JSON string, quotes included: escapes
 * control characters, writes invalid UTF-8 bytes as U+FFFD, drops NULs. */
void json_put_string(struct sbuf *b, const char *s, size_t n);

/* ---------------------------------------------------------------- the builder */

void finding_init(struct crace_finding *f, enum report_kind kind, const char *title);

/* A stack printed under the heading just written to b (its last line,
 * without the final colon): call after printing the heading, before
 * the stack. pcs NULL: could not be restored. */
void finding_stack(struct crace_finding *f, const struct sbuf *b, uint64_t gid, const uintptr_t *pcs, size_t n);
void finding_stack_depot(struct crace_finding *f, const struct sbuf *b, uint64_t gid, stack_id id);

struct finding_goroutine *finding_goroutine(struct crace_finding *f, uint64_t id, const char *state);
struct finding_object *finding_object(struct crace_finding *f, const char *kind, uintptr_t addr);

/* A depot stack as pcs, NULL when id is 0. */
const uintptr_t *finding_depot(stack_id id, size_t *n);

/* Where a stack is, for messages and keys: the user frame (innermost
 * with a file outside the system headers), or with outside_gochan the
 * innermost frame outside libgochan. at gets "file.c:14" (base name),
 * key gets L(frame) of the doc ("src/file.c:14", a function, or "?").
 * Returns false when the stack has no such frame (at is then "?"). */
bool finding_where(const uintptr_t *pcs, size_t n, bool outside_gochan, char *at, size_t at_cap, char *key,
                   size_t key_cap);

/* Adds a part of the dedup key (copied). */
void finding_key(struct crace_finding *f, const char *part);

#endif /* CRACE_REPORT_JSON_H */
