/*
 * xalloc.c: the crace command's allocation that cannot fail silently (on
 * exhaustion: a message and exit status 1), and its growable argument
 * vectors. Apart from crace.c so that tools built from the command's
 * parts (the report fuzzer) link them without its main.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static void out_of_memory(void)
{
    fputs("crace: out of memory\n", stderr);
    exit(CRACE_EXIT_USAGE);
}

void *crace_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *crace_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *crace_xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        out_of_memory();
    return d;
}

char *crace_xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        out_of_memory();
    return s;
}

void crace_argv_push(crace_argv *a, const char *s)
{
    /* +1 keeps room for the terminating NULL that exec needs. */
    if (a->n + 1 >= a->cap) {
        a->cap = a->cap ? 2 * a->cap : 16;
        a->v = crace_xrealloc(a->v, a->cap * sizeof *a->v);
    }
    /* exec takes char *const[], though it never writes the strings. */
    a->v[a->n++] = (char *)s;
    a->v[a->n] = NULL;
}

void crace_argv_free(crace_argv *a)
{
    free(a->v);
    *a = (crace_argv){0};
}
