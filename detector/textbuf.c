/* textbuf.c: report text assembly (textbuf.h). */
#include "textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    if (b->len + 1 >= b->cap)
        return;
    size_t room = b->cap - b->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->buf + b->len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len += (size_t)n < room ? (size_t)n : room - 1;
}

const char *strip_path(const char *path)
{
    const char *prefix = crace_opts.strip_path_prefix;
    size_t n = prefix ? strlen(prefix) : 0;
    if (!n || strncmp(path, prefix, n) != 0)
        return path;
    const char *rest = path + n;
    while (*rest == '/')
        rest++;
    return *rest ? rest : path;
}

const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}
