/*
 * fuzz_rt.c: the few shim functions the detector's parsers call, for the
 * fuzzers (test-only).
 *
 * The parsers are linked without the rest of the shim: its interceptors
 * define malloc and pthread functions that clash with AddressSanitizer's.
 * The shim's allocator goes to glibc's __libc_* entry points, which
 * AddressSanitizer does not see; here it is the sanitizer's malloc, so
 * every overflow and leak of the parsers' own memory is caught.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "rt.h"
#include "symbolize.h"
#include "thread.h"

CRACE_TLS crace_thread *crace_cur;

void *crace_alloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

void *crace_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        abort();
    return q;
}

void crace_free(void *p)
{
    free(p);
}

char *crace_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(crace_alloc(n), s, n);
}

/* A parser must return its errors, never stop the program: a call here is
 * a finding, so it aborts, which the fuzzer reports as a crash. */
void crace_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("crace_fatal called by a parser: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void crace_check_failed(const char *file, int line, const char *cond)
{
    fprintf(stderr, "crace internal error: %s:%d: CHECK failed: %s\n", file, line, cond);
    abort();
}

/* Messages are dropped, but every byte is read so that the sanitizer sees
 * a message built from bad memory. */
volatile unsigned char fuzz_output_sink;

void output_write_fd(int fd, const char *s, size_t n)
{
    (void)fd;
    unsigned char x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= (unsigned char)s[i];
    fuzz_output_sink = x;
}

void output_write_std(int fd, const char *s, size_t n)
{
    output_write_fd(fd, s, n);
}

/* Findings are never matched here (suppress_finding is not fuzzed). */
int gc_symbolize(uintptr_t pc, bool is_return_address, int (*fn)(const struct gc_frame *frame, void *arg),
                 void *arg)
{
    (void)is_return_address;
    struct gc_frame f = {.pc = pc, .function = "??"};
    fn(&f, arg);
    return 1;
}

bool gc_frame_is_hidden(const struct gc_frame *frame)
{
    (void)frame;
    return false;
}
