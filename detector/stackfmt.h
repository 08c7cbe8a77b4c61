/*
 * stackfmt.h: stacks as text, in Go's two layouts.
 *
 * A race report (STACK_STYLE_REPORT):        A goroutine dump (STACK_STYLE_DUMP):
 *       worker()                               worker()
 *           /src/a.c:14 +0x4a                  \t/src/a.c:14 +0x4a
 *
 * Inlined frames are printed (innermost first); the shim's own frames and
 * the C library's start-up frames are left out. Symbolizes with libdw:
 * callers are inside the shim (in_shim raised).
 */
#ifndef CRACE_STACKFMT_H
#define CRACE_STACKFMT_H

#include <stddef.h>
#include <stdint.h>

#include "stackdepot.h"
#include "textbuf.h"

enum stack_style { STACK_STYLE_REPORT, STACK_STYLE_DUMP };

void stackfmt_pcs(struct sbuf *b, const uintptr_t *pcs, size_t n, enum stack_style style);
void stackfmt_depot(struct sbuf *b, stack_id id, enum stack_style style);

#endif /* CRACE_STACKFMT_H */
