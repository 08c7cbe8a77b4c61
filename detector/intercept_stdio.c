/*
 * intercept_stdio.c: the program's memory that stdio and the printf
 * family read and write on its behalf, as range accesses at the caller's
 * pc (as intercept_libc.c does for mem* and str*, and as
 * ThreadSanitizer's common interceptors do): libc is not instrumented, so
 * a thread formatting into a buffer another one reads, or printing a
 * string another one writes, raced unseen.
 *
 *  - The printf family reads each %s argument (up to its precision, or
 *    its terminator) and writes through %n; sprintf and snprintf write
 *    the bytes they produced into their buffer, terminator included.
 *  - The scanf family writes each destination it assigned (the return
 *    value counts them): an integer or floating-point variable by its
 *    size, a %c field by its width, a %s or %[ string to its terminator.
 *    sscanf's input is not checked (it reads only what it matched).
 *  - fwrite, fputs and puts read what they output; fread and fgets write
 *    what they got; getline and getdelim write the line and the two
 *    out-parameters.
 *
 * The arguments are walked after the real call, with a copy of its
 * va_list, by parsers of glibc's conversions. They give up (and check
 * nothing more of that call) at what they do not know: positional
 * arguments (%1$s), or a conversion a program registered itself, since
 * taking the next argument with the wrong type could read a pointer that
 * is not one.
 *
 * Calls from the shim's own code (its reports are formatted with
 * snprintf) and from inside it pass through unchecked.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rt.h"

/* Exported before <stdio.h>, which may define these two as inline
 * functions when optimising: an attribute must come before the first
 * definition. */
struct _IO_FILE;
CRACE_EXPORT int vprintf(const char *fmt, va_list ap);
CRACE_EXPORT ssize_t getline(char **line, size_t *cap, struct _IO_FILE *f);

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "intercept.h"

/* glibc's _FORTIFY_SOURCE entry points, declared by its headers only
 * under _FORTIFY_SOURCE. */
int __vprintf_chk(int flag, const char *fmt, va_list ap);
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap);
int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap);
int __vsprintf_chk(char *s, int flag, size_t slen, const char *fmt, va_list ap);
int __vsnprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, va_list ap);
int __vasprintf_chk(char **s, int flag, const char *fmt, va_list ap);
int __printf_chk(int flag, const char *fmt, ...);
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
int __dprintf_chk(int fd, int flag, const char *fmt, ...);
int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...);
int __snprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, ...);
int __asprintf_chk(char **s, int flag, const char *fmt, ...);
size_t __fread_chk(void *p, size_t plen, size_t size, size_t n, FILE *f);
char *__fgets_chk(char *s, size_t size, int n, FILE *f);

/* The string at s as a conversion with precision prec (< 0: none) reads
 * it: up to the terminator, which is read too, or prec bytes. */
static void check_string_arg(crace_thread *t, const char *s, int prec, uintptr_t pc)
{
    if (!s)
        return; /* printed as "(null)" */
    size_t n = prec < 0 ? strlen(s) + 1 : strnlen(s, (size_t)prec);
    if (prec >= 0 && n < (size_t)prec)
        n++; /* the terminator came first */
    crace_check_range(t, s, n, false, pc);
}

enum arg_size { SZ_INT, SZ_CHAR, SZ_SHORT, SZ_LONG, SZ_LLONG, SZ_SIZE, SZ_PTRDIFF, SZ_INTMAX, SZ_LDOUBLE };

/* The length modifier at *p, if any (skipped). */
static enum arg_size parse_length(const char **p)
{
    const char *c = *p;
    enum arg_size sz = SZ_INT;
    switch (*c) {
    case 'h':
        sz = c[1] == 'h' ? SZ_CHAR : SZ_SHORT;
        c += c[1] == 'h' ? 2 : 1;
        break;
    case 'l':
        sz = c[1] == 'l' ? SZ_LLONG : SZ_LONG;
        c += c[1] == 'l' ? 2 : 1;
        break;
    case 'q':
    case 'L':
        sz = *c == 'L' ? SZ_LDOUBLE : SZ_LLONG;
        c++;
        break;
    case 'j':
        sz = SZ_INTMAX;
        c++;
        break;
    case 'z':
        sz = SZ_SIZE;
        c++;
        break;
    case 't':
        sz = SZ_PTRDIFF;
        c++;
        break;
    default:
        break;
    }
    *p = c;
    return sz;
}

/* The first conversion of a format at or after p: the character after
 * its '%' ("%%" is none); NULL at the end (a lone '%' last included). */
static const char *next_conversion(const char *p)
{
    for (; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '\0')
            return NULL;
        if (p[1] != '%')
            return p + 1;
        p++;
    }
    return NULL;
}

/* The bytes an integer conversion with length sz stores. */
static size_t int_size(enum arg_size sz)
{
    switch (sz) {
    case SZ_CHAR:
        return 1;
    case SZ_SHORT:
        return sizeof(short);
    case SZ_INT:
        return sizeof(int);
    default:
        return sizeof(long long);
    }
}

/* fmt's arguments, from ap (a copy the caller owns): %s read, %n
 * written. */
static void check_printf_args(crace_thread *t, const char *fmt, va_list ap, uintptr_t pc)
{
    for (const char *p = fmt; (p = next_conversion(p)); p++) {
        const char *q = p;
        while (isdigit((unsigned char)*q))
            q++;
        if (*q == '$')
            return; /* positional: the order of the arguments is not the text's */
        while (*p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0' || *p == '\'' || *p == 'I')
            p++;
        if (*p == '*') {
            (void)va_arg(ap, int);
            p++;
        } else {
            while (isdigit((unsigned char)*p))
                p++;
        }
        int prec = -1;
        if (*p == '.') {
            p++;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            } else {
                prec = 0;
                while (isdigit((unsigned char)*p))
                    prec = prec * 10 + (*p++ - '0');
            }
        }
        enum arg_size sz = parse_length(&p);
        switch (*p) {
        case 'd':
        case 'i':
        case 'o':
        case 'u':
        case 'x':
        case 'X':
            if (sz == SZ_LLONG || sz == SZ_LDOUBLE || sz == SZ_INTMAX)
                (void)va_arg(ap, long long);
            else if (sz == SZ_LONG || sz == SZ_SIZE || sz == SZ_PTRDIFF)
                (void)va_arg(ap, long);
            else
                (void)va_arg(ap, int);
            break;
        case 'c':
        case 'C':
            (void)va_arg(ap, int); /* char and wint_t alike are promoted */
            break;
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            if (sz == SZ_LDOUBLE)
                (void)va_arg(ap, long double);
            else
                (void)va_arg(ap, double);
            break;
        case 's':
            if (sz == SZ_LONG)
                (void)va_arg(ap, const void *); /* wide: not checked */
            else
                check_string_arg(t, va_arg(ap, const char *), prec, pc);
            break;
        case 'S':
        case 'p':
            (void)va_arg(ap, const void *);
            break;
        case 'n':
            crace_check_range(t, va_arg(ap, void *), int_size(sz), true, pc);
            break;
        case 'm':
            break; /* glibc: strerror(errno), no argument */
        default:
            return; /* not a conversion this parser knows */
        }
    }
}

/* After a printf-family call that returned r with fmt and the arguments
 * in ap: what it read, and what it wrote into dst (capacity cap: at most
 * cap - 1 characters and the terminator; SIZE_MAX when unbounded). */
static void printf_done(crace_thread *t, const char *fmt, va_list ap, char *dst, size_t cap, int r, uintptr_t pc)
{
    if (r < 0)
        return;
    if (dst && cap > 0)
        crace_check_range(t, dst, ((size_t)r < cap - 1 ? (size_t)r : cap - 1) + 1, true, pc);
    if (fmt)
        check_printf_args(t, fmt, ap, pc);
}

/* The body of an interceptor taking a va_list: the real call with ap,
 * then `check`, which sees the thread (t_), a copy of ap made before the
 * call (copy_), the result (r_) and the caller's pc (pc_). */
#define VA_LIST_BODY(name, ap, check, ...)        \
    uintptr_t pc_ = CALLER_PC();                  \
    crace_thread *t_ = crace_libc_caller(pc_);    \
    if (!t_)                                      \
        return REAL(name)(__VA_ARGS__);           \
    va_list copy_;                                \
    va_copy(copy_, ap);                           \
    int r_ = REAL(name)(__VA_ARGS__);             \
    check;                                        \
    va_end(copy_);                                \
    return r_

/* The body of a variadic interceptor (last: its last named parameter):
 * its arguments, as ap, to the real vname, then `check`, as above. */
#define VARIADIC_BODY(vname, last, check, ...)    \
    uintptr_t pc_ = CALLER_PC();                  \
    va_list ap;                                   \
    va_start(ap, last);                           \
    crace_thread *t_ = crace_libc_caller(pc_);    \
    va_list copy_;                                \
    if (t_)                                       \
        va_copy(copy_, ap);                       \
    int r_ = REAL(vname)(__VA_ARGS__);            \
    va_end(ap);                                   \
    if (t_) {                                     \
        check;                                    \
        va_end(copy_);                            \
    }                                             \
    return r_

/* The checks of a printf-family call (what it wrote into dst, of
 * capacity cap) and of a scanf-family one, inside the bodies above, whose
 * format parameter is fmt. */
#define PRINTF_CHECK(dst, cap) printf_done(t_, fmt, copy_, dst, cap, r_, pc_)
/* asprintf's: the text written into the block it allocated (*s) is the
 * caller's write, as strdup's copy (libc's own malloc is not). */
#define ASPRINTF_CHECK PRINTF_CHECK(r_ >= 0 ? *s : NULL, SIZE_MAX)
#define SCANF_CHECK scanf_done(t_, fmt, copy_, r_, pc_)

/* ---------------------------------------------------------------- the v-variants */

INTERCEPTOR(int, vprintf, const char *fmt, va_list ap)
{
    VA_LIST_BODY(vprintf, ap, PRINTF_CHECK(NULL, 0), fmt, ap);
}

INTERCEPTOR(int, vfprintf, FILE *f, const char *fmt, va_list ap)
{
    VA_LIST_BODY(vfprintf, ap, PRINTF_CHECK(NULL, 0), f, fmt, ap);
}

INTERCEPTOR(int, vdprintf, int fd, const char *fmt, va_list ap)
{
    VA_LIST_BODY(vdprintf, ap, PRINTF_CHECK(NULL, 0), fd, fmt, ap);
}

INTERCEPTOR(int, vsprintf, char *s, const char *fmt, va_list ap)
{
    VA_LIST_BODY(vsprintf, ap, PRINTF_CHECK(s, SIZE_MAX), s, fmt, ap);
}

INTERCEPTOR(int, vsnprintf, char *s, size_t n, const char *fmt, va_list ap)
{
    VA_LIST_BODY(vsnprintf, ap, PRINTF_CHECK(s, n), s, n, fmt, ap);
}

INTERCEPTOR(int, vasprintf, char **s, const char *fmt, va_list ap)
{
    VA_LIST_BODY(vasprintf, ap, ASPRINTF_CHECK, s, fmt, ap);
}

/* _FORTIFY_SOURCE's, which check their flag and sizes and then do the same. */
INTERCEPTOR(int, __vprintf_chk, int flag, const char *fmt, va_list ap)
{
    VA_LIST_BODY(__vprintf_chk, ap, PRINTF_CHECK(NULL, 0), flag, fmt, ap);
}

INTERCEPTOR(int, __vfprintf_chk, FILE *f, int flag, const char *fmt, va_list ap)
{
    VA_LIST_BODY(__vfprintf_chk, ap, PRINTF_CHECK(NULL, 0), f, flag, fmt, ap);
}

INTERCEPTOR(int, __vdprintf_chk, int fd, int flag, const char *fmt, va_list ap)
{
    VA_LIST_BODY(__vdprintf_chk, ap, PRINTF_CHECK(NULL, 0), fd, flag, fmt, ap);
}

INTERCEPTOR(int, __vsprintf_chk, char *s, int flag, size_t slen, const char *fmt, va_list ap)
{
    VA_LIST_BODY(__vsprintf_chk, ap, PRINTF_CHECK(s, SIZE_MAX), s, flag, slen, fmt, ap);
}

INTERCEPTOR(int, __vsnprintf_chk, char *s, size_t n, int flag, size_t slen, const char *fmt, va_list ap)
{
    VA_LIST_BODY(__vsnprintf_chk, ap, PRINTF_CHECK(s, n), s, n, flag, slen, fmt, ap);
}

INTERCEPTOR(int, __vasprintf_chk, char **s, int flag, const char *fmt, va_list ap)
{
    VA_LIST_BODY(__vasprintf_chk, ap, ASPRINTF_CHECK, s, flag, fmt, ap);
}

/* ---------------------------------------------------------------- the variadic ones
 * (defined by name: their own real functions are never called) */

CRACE_EXPORT int printf(const char *fmt, ...)
{
    VARIADIC_BODY(vprintf, fmt, PRINTF_CHECK(NULL, 0), fmt, ap);
}

CRACE_EXPORT int fprintf(FILE *f, const char *fmt, ...)
{
    VARIADIC_BODY(vfprintf, fmt, PRINTF_CHECK(NULL, 0), f, fmt, ap);
}

CRACE_EXPORT int dprintf(int fd, const char *fmt, ...)
{
    VARIADIC_BODY(vdprintf, fmt, PRINTF_CHECK(NULL, 0), fd, fmt, ap);
}

CRACE_EXPORT int sprintf(char *s, const char *fmt, ...)
{
    VARIADIC_BODY(vsprintf, fmt, PRINTF_CHECK(s, SIZE_MAX), s, fmt, ap);
}

CRACE_EXPORT int snprintf(char *s, size_t n, const char *fmt, ...)
{
    VARIADIC_BODY(vsnprintf, fmt, PRINTF_CHECK(s, n), s, n, fmt, ap);
}

CRACE_EXPORT int asprintf(char **s, const char *fmt, ...)
{
    VARIADIC_BODY(vasprintf, fmt, ASPRINTF_CHECK, s, fmt, ap);
}

CRACE_EXPORT int __printf_chk(int flag, const char *fmt, ...)
{
    VARIADIC_BODY(__vprintf_chk, fmt, PRINTF_CHECK(NULL, 0), flag, fmt, ap);
}

CRACE_EXPORT int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
    VARIADIC_BODY(__vfprintf_chk, fmt, PRINTF_CHECK(NULL, 0), f, flag, fmt, ap);
}

CRACE_EXPORT int __dprintf_chk(int fd, int flag, const char *fmt, ...)
{
    VARIADIC_BODY(__vdprintf_chk, fmt, PRINTF_CHECK(NULL, 0), fd, flag, fmt, ap);
}

CRACE_EXPORT int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...)
{
    VARIADIC_BODY(__vsprintf_chk, fmt, PRINTF_CHECK(s, SIZE_MAX), s, flag, slen, fmt, ap);
}

CRACE_EXPORT int __snprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, ...)
{
    VARIADIC_BODY(__vsnprintf_chk, fmt, PRINTF_CHECK(s, n), s, n, flag, slen, fmt, ap);
}

CRACE_EXPORT int __asprintf_chk(char **s, int flag, const char *fmt, ...)
{
    VARIADIC_BODY(__vasprintf_chk, fmt, ASPRINTF_CHECK, s, flag, fmt, ap);
}

/* ---------------------------------------------------------------- the scanf family */

/* fmt's destinations, from ap (a copy the caller owns), of a call that
 * assigned `assigned` of them: each one assigned written. */
static void check_scanf_args(crace_thread *t, const char *fmt, va_list ap, int assigned, uintptr_t pc)
{
    int done = 0;
    for (const char *p = fmt; (p = next_conversion(p)); p++) {
        bool suppress = *p == '*';
        if (suppress)
            p++;
        size_t width = 0;
        while (isdigit((unsigned char)*p))
            width = width * 10 + (size_t)(*p++ - '0');
        if (*p == '$')
            return; /* positional */
        bool alloc = *p == 'm'; /* glibc: the string is malloc'd, its pointer stored */
        if (alloc)
            p++;
        enum arg_size sz = parse_length(&p);
        char conv = *p;
        if (conv == '[') { /* the set: ']' first is a member, then up to the next */
            p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            while (*p && *p != ']')
                p++;
            if (!*p)
                return;
        }
        if (!strchr("diouxXnaeEfFgGcsSCp[", conv) || conv == '\0')
            return; /* not a conversion this parser knows */
        if (suppress)
            continue;
        void *dst = va_arg(ap, void *);
        if (conv == 'n') {
            if (done == assigned)
                crace_check_range(t, dst, int_size(sz), true, pc);
            continue;
        }
        if (done >= assigned)
            return; /* the call stopped before this one */
        done++;
        size_t n;
        if (alloc) {
            n = sizeof(char *);
        } else if (strchr("diouxX", conv)) {
            n = int_size(sz);
        } else if (strchr("aeEfFgG", conv)) {
            n = sz == SZ_LDOUBLE ? sizeof(long double) : sz == SZ_LONG ? sizeof(double) : sizeof(float);
        } else if (conv == 'p') {
            n = sizeof(void *);
        } else if (conv == 'c' || conv == 'C') {
            n = (width ? width : 1) * (conv == 'C' || sz == SZ_LONG ? sizeof(wchar_t) : 1);
        } else if (conv == 'S' || sz == SZ_LONG) {
            continue; /* a wide string: not checked */
        } else {
            n = strlen(dst) + 1; /* %s, %[ */
        }
        crace_check_range(t, dst, n, true, pc);
    }
}

/* After a scanf-family call that returned r with fmt and the
 * destinations in ap. */
static void scanf_done(crace_thread *t, const char *fmt, va_list ap, int r, uintptr_t pc)
{
    if (r > 0)
        check_scanf_args(t, fmt, ap, r, pc);
}

/* C99's, which <stdio.h> makes every scanf call of a program built in
 * C99 mode or later (the compilers' default) go to. The old names, left
 * to programs built as C89 with _GNU_SOURCE, are not intercepted: this
 * file's own <stdio.h> turns them into these. */
int __isoc99_vscanf(const char *fmt, va_list ap);
int __isoc99_vfscanf(FILE *f, const char *fmt, va_list ap);
int __isoc99_vsscanf(const char *s, const char *fmt, va_list ap);
int __isoc99_scanf(const char *fmt, ...);
int __isoc99_fscanf(FILE *f, const char *fmt, ...);
int __isoc99_sscanf(const char *s, const char *fmt, ...);

INTERCEPTOR(int, __isoc99_vscanf, const char *fmt, va_list ap)
{
    VA_LIST_BODY(__isoc99_vscanf, ap, SCANF_CHECK, fmt, ap);
}

INTERCEPTOR(int, __isoc99_vfscanf, FILE *f, const char *fmt, va_list ap)
{
    VA_LIST_BODY(__isoc99_vfscanf, ap, SCANF_CHECK, f, fmt, ap);
}

INTERCEPTOR(int, __isoc99_vsscanf, const char *s, const char *fmt, va_list ap)
{
    VA_LIST_BODY(__isoc99_vsscanf, ap, SCANF_CHECK, s, fmt, ap);
}

CRACE_EXPORT int __isoc99_scanf(const char *fmt, ...)
{
    VARIADIC_BODY(__isoc99_vscanf, fmt, SCANF_CHECK, fmt, ap);
}

CRACE_EXPORT int __isoc99_fscanf(FILE *f, const char *fmt, ...)
{
    VARIADIC_BODY(__isoc99_vfscanf, fmt, SCANF_CHECK, f, fmt, ap);
}

CRACE_EXPORT int __isoc99_sscanf(const char *s, const char *fmt, ...)
{
    VARIADIC_BODY(__isoc99_vsscanf, fmt, SCANF_CHECK, s, fmt, ap);
}

/* ---------------------------------------------------------------- streams */

INTERCEPTOR(size_t, fwrite, const void *p, size_t size, size_t n, FILE *f)
{
    uintptr_t pc = CALLER_PC();
    size_t r = REAL(fwrite)(p, size, n, f);
    crace_thread *t = crace_libc_caller(pc);
    if (t)
        crace_check_range(t, p, r * size, false, pc);
    return r;
}

INTERCEPTOR(size_t, fread, void *p, size_t size, size_t n, FILE *f)
{
    uintptr_t pc = CALLER_PC();
    size_t r = REAL(fread)(p, size, n, f);
    crace_thread *t = crace_libc_caller(pc);
    if (t)
        crace_check_range(t, p, r * size, true, pc);
    return r;
}

INTERCEPTOR(size_t, __fread_chk, void *p, size_t plen, size_t size, size_t n, FILE *f)
{
    uintptr_t pc = CALLER_PC();
    size_t r = REAL(__fread_chk)(p, plen, size, n, f);
    crace_thread *t = crace_libc_caller(pc);
    if (t)
        crace_check_range(t, p, r * size, true, pc);
    return r;
}

INTERCEPTOR(int, fputs, const char *s, FILE *f)
{
    uintptr_t pc = CALLER_PC();
    int r = REAL(fputs)(s, f);
    crace_thread *t = crace_libc_caller(pc);
    if (t)
        crace_check_range(t, s, strlen(s) + 1, false, pc);
    return r;
}

INTERCEPTOR(int, puts, const char *s)
{
    uintptr_t pc = CALLER_PC();
    int r = REAL(puts)(s);
    crace_thread *t = crace_libc_caller(pc);
    if (t)
        crace_check_range(t, s, strlen(s) + 1, false, pc);
    return r;
}

static char *fgets_done(char *r, uintptr_t pc)
{
    crace_thread *t = r ? crace_libc_caller(pc) : NULL;
    if (t)
        crace_check_range(t, r, strlen(r) + 1, true, pc);
    return r;
}

INTERCEPTOR(char *, fgets, char *s, int n, FILE *f)
{
    return fgets_done(REAL(fgets)(s, n, f), CALLER_PC());
}

INTERCEPTOR(char *, __fgets_chk, char *s, size_t size, int n, FILE *f)
{
    return fgets_done(REAL(__fgets_chk)(s, size, n, f), CALLER_PC());
}

static ssize_t getdelim_done(char **line, size_t *cap, ssize_t r, uintptr_t pc)
{
    crace_thread *t = crace_libc_caller(pc);
    if (t) {
        crace_check_range(t, line, sizeof(*line), true, pc);
        crace_check_range(t, cap, sizeof(*cap), true, pc);
        if (r > 0)
            crace_check_range(t, *line, (size_t)r + 1, true, pc);
    }
    return r;
}

INTERCEPTOR(ssize_t, getline, char **line, size_t *cap, FILE *f)
{
    return getdelim_done(line, cap, REAL(getline)(line, cap, f), CALLER_PC());
}

INTERCEPTOR(ssize_t, getdelim, char **line, size_t *cap, int delim, FILE *f)
{
    return getdelim_done(line, cap, REAL(getdelim)(line, cap, delim, f), CALLER_PC());
}

/* The real functions, found before the program runs: the shim formats its
 * own reports with vsnprintf, which binds to the definition here, and
 * must not look the real one up (dlsym takes the loader's lock) while it
 * holds an engine lock. */
__attribute__((constructor(101))) static void stdio_resolve(void)
{
    (void)REAL(vprintf), (void)REAL(vfprintf), (void)REAL(vdprintf), (void)REAL(vsprintf);
    (void)REAL(vsnprintf), (void)REAL(vasprintf), (void)REAL(__vprintf_chk), (void)REAL(__vfprintf_chk);
    (void)REAL(__vdprintf_chk), (void)REAL(__vsprintf_chk), (void)REAL(__vsnprintf_chk);
    (void)REAL(__vasprintf_chk), (void)REAL(fwrite), (void)REAL(fread), (void)REAL(__fread_chk);
    (void)REAL(fputs), (void)REAL(puts), (void)REAL(fgets), (void)REAL(__fgets_chk), (void)REAL(getline);
    (void)REAL(getdelim), (void)REAL(__isoc99_vscanf), (void)REAL(__isoc99_vfscanf), (void)REAL(__isoc99_vsscanf);
}
