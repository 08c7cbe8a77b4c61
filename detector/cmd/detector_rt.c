/*
 * detector_rt.c: what the detector's options parser (detector/options.c,
 * linked into the crace command too) needs from the shim's runtime, done
 * the command's way: malloc, messages on stderr, exit status 1. So
 * `crace run` reads CRACE_OPTIONS and its own detector options with the
 * very parser the shim uses, and refuses a bad one before it starts
 * anything.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "options.h"
#include "rt.h"

void *crace_alloc(size_t size)
{
    void *p = crace_xmalloc(size);
    memset(p, 0, size ? size : 1);
    return p;
}

void crace_free(void *p)
{
    free(p);
}

void crace_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("crace: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(CRACE_EXIT_USAGE);
}

void output_write_fd(int fd, const char *s, size_t n)
{
    gc_write_all(fd, s, n);
}
