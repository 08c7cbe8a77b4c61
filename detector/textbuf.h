/*
 * textbuf.h: append-only text for building a report before it is written
 * in one piece. Truncates at cap - 1 and is always NUL-terminated.
 */
#ifndef CRACE_TEXTBUF_H
#define CRACE_TEXTBUF_H

#include <stddef.h>

struct sbuf {
    char *buf;
    size_t cap, len;
};

void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* path without the strip_path_prefix option (and the slashes after it);
 * unchanged when that would leave nothing. */
const char *strip_path(const char *path);
const char *base_name(const char *path);

#endif /* CRACE_TEXTBUF_H */
