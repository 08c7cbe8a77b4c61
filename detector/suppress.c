/*
 * suppress.c: suppression files (suppress.h has the format and the
 * matching rules).
 *
 * The rule table is filled by suppress_load in crace_init, before main
 * and before any other thread exists, and never written afterwards: the
 * threads that report read it without a lock. Only the hit counters
 * change, as atomics.
 *
 * Loading runs before the shim's allocator interceptors are ready, as
 * options.c does: the file is read with raw system calls into crace_alloc
 * memory, never through stdio or the program's malloc.
 */
#include "suppress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lock.h"
#include "options.h"
#include "rt.h"
#include "symbolize.h"
#include "textbuf.h"
#include "thread.h"

/* X(name, word in the file) */
#define SUPPRESS_TYPES(X)               \
    X(RACE, "race")                     \
    X(DEADLOCK, "deadlock")             \
    X(LEAK, "leak")                     \
    X(MISUSE, "misuse")                 \
    X(CALLED_FROM_LIB, "called_from_lib")

enum supp_type {
#define SUPP_X(name, word) SUPP_##name,
    SUPPRESS_TYPES(SUPP_X)
#undef SUPP_X
    SUPP_TYPE_COUNT
};

static const char *const type_words[] = {
#define SUPP_X(name, word) [SUPP_##name] = word,
    SUPPRESS_TYPES(SUPP_X)
#undef SUPP_X
};

#define TYPE_BIT(t) (1u << (t))

/* The rule types that cover a finding of kind k. Every kind is listed, so
 * that a new one cannot be added without deciding which rules silence it. */
static unsigned types_covering(enum report_kind k)
{
    switch (k) {
    case REPORT_DATA_RACE:
    case REPORT_HEAP_USE_AFTER_FREE: /* a race: rules, as ThreadSanitizer's */
        return TYPE_BIT(SUPP_RACE) | TYPE_BIT(SUPP_CALLED_FROM_LIB);
    case REPORT_POTENTIAL_DEADLOCK:
    case REPORT_DEADLOCK:
        return TYPE_BIT(SUPP_DEADLOCK) | TYPE_BIT(SUPP_CALLED_FROM_LIB);
    case REPORT_GOROUTINE_LEAK:
        return TYPE_BIT(SUPP_LEAK) | TYPE_BIT(SUPP_CALLED_FROM_LIB);
    case REPORT_MISUSE:
    case REPORT_BUSY_SELECT:
        return TYPE_BIT(SUPP_MISUSE) | TYPE_BIT(SUPP_CALLED_FROM_LIB);
    case REPORT_PANIC:
        return TYPE_BIT(SUPP_CALLED_FROM_LIB);
    case REPORT_KIND_COUNT:
        break;
    }
    return 0;
}

struct rule {
    enum supp_type type;
    unsigned line;       /* in the file, from 1 */
    char *text;          /* "TYPE:PATTERN", trimmed */
    const char *pattern; /* inside text, after the colon */
    _Atomic uint64_t hits;
};

/* Written only by suppress_load (before main); read by any thread. */
static struct rule *rules;
static size_t n_rules;
static char *rules_file;  /* the path read, for messages */
static unsigned rule_types; /* TYPE_BIT of every type present */

static _Atomic uint64_t suppressed;

/* ---------------------------------------------------------------- patterns */

/* The first occurrence of needle (n bytes) in h (hlen bytes), or NULL.
 * Not memmem: the shim may intercept it. */
static const char *find(const char *h, size_t hlen, const char *needle, size_t n)
{
    if (n == 0)
        return h;
    for (size_t i = 0; i + n <= hlen; i++)
        if (h[i] == needle[0] && memcmp(h + i, needle, n) == 0)
            return h + i;
    return NULL;
}

/* The pattern is cut at each '*' into literal segments. Each segment is
 * looked for after the previous one, leftmost first (taking the earliest
 * place leaves the most room for the rest, so this never misses a match),
 * except an anchored first segment, which must be a prefix, and an
 * anchored last one, which must be the suffix. */
bool suppress_match(const char *pattern, const char *s)
{
    const char *p = pattern;
    size_t plen = strlen(p), slen = strlen(s), pos = 0;
    bool at_start = plen > 0 && p[0] == '^';
    if (at_start)
        p++, plen--;
    bool at_end = plen > 0 && p[plen - 1] == '$';
    if (at_end)
        plen--;
    for (size_t i = 0, seg_no = 0;; seg_no++) {
        size_t j = i;
        while (j < plen && p[j] != '*')
            j++;
        size_t seg = j - i;
        bool last = j == plen;
        if (seg_no == 0 && at_start) {
            if (seg > slen || memcmp(s, p + i, seg) != 0)
                return false;
            pos = seg;
            if (last)
                return !at_end || pos == slen;
        } else if (last && at_end) {
            return slen - pos >= seg && memcmp(s + slen - seg, p + i, seg) == 0;
        } else {
            const char *hit = find(s + pos, slen - pos, p + i, seg);
            if (!hit)
                return false;
            pos = (size_t)(hit - s) + seg;
            if (last)
                return true;
        }
        i = j + 1;
    }
}

/* ---------------------------------------------------------------- loading */

enum { MAX_ERRORS = 10, SHOWN = 80 /* longer text is cut in messages */ };

static void load_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "crace: MESSAGE" on stderr, as crace_fatal prints, without exiting:
 * the caller reports every bad line before it stops the program. */
static void load_error(const char *fmt, ...)
{
    char buf[1024];
    int n = snprintf(buf, sizeof(buf), "crace: ");
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m < sizeof(buf) - (size_t)n - 1 ? (size_t)m
                                                                                : sizeof(buf) - (size_t)n - 2);
    buf[len++] = '\n';
    output_write_std(2, buf, len);
}

/* The whole file at path, NUL-terminated; NULL with errno set. */
static char *read_file(const char *path)
{
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = crace_alloc(cap);
    for (;;) {
        if (len + 1 == cap) {
            buf = crace_realloc(buf, cap * 2);
            cap *= 2;
        }
        long r = syscall(SYS_read, fd, buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            crace_free(buf);
            syscall(SYS_close, fd);
            errno = e;
            return NULL;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    syscall(SYS_close, fd);
    buf[len] = '\0';
    return buf;
}

/* path, or for a relative path missing from the current directory, the
 * same path next to the executable when it is there. */
static const char *locate(const char *path, char *buf, size_t cap)
{
    if (path[0] == '/' || syscall(SYS_faccessat, AT_FDCWD, path, F_OK, 0) == 0)
        return path;
    long n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", buf, cap - 1);
    if (n <= 0)
        return path;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash || (size_t)(slash + 1 - buf) + strlen(path) >= cap)
        return path;
    strcpy(slash + 1, path);
    return syscall(SYS_faccessat, AT_FDCWD, buf, F_OK, 0) == 0 ? buf : path;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* [*b, *e) without white space at either end. */
static void trim(const char **b, const char **e)
{
    while (*b < *e && is_blank(**b))
        (*b)++;
    while (*e > *b && is_blank((*e)[-1]))
        (*e)--;
}

static void expected_types(struct sbuf *b)
{
    for (int t = 0; t < SUPP_TYPE_COUNT; t++)
        sb_printf(b, "%s%s", t == 0 ? "" : t == SUPP_TYPE_COUNT - 1 ? " or " : ", ", type_words[t]);
}

/* Parses one line (without its newline) into r; false after printing
 * what is wrong with it. */
static bool parse_rule(const char *file, unsigned line, const char *b, const char *e, struct rule *r)
{
    const char *colon = memchr(b, ':', (size_t)(e - b));
    int shown = (int)(e - b) > SHOWN ? SHOWN : (int)(e - b);
    if (!colon) {
        load_error("suppressions file %s:%u: '%.*s%s' is not a rule: expected TYPE:PATTERN, e.g. race:my_function",
                   file, line, shown, b, e - b > SHOWN ? "..." : "");
        return false;
    }
    const char *tb = b, *te = colon, *pb = colon + 1, *pe = e;
    trim(&tb, &te);
    trim(&pb, &pe);
    int type = 0;
    while (type < SUPP_TYPE_COUNT &&
           !(strlen(type_words[type]) == (size_t)(te - tb) && memcmp(type_words[type], tb, (size_t)(te - tb)) == 0))
        type++;
    if (type == SUPP_TYPE_COUNT) {
        char words[128];
        struct sbuf w = {words, sizeof(words), 0};
        expected_types(&w);
        shown = (int)(te - tb) > SHOWN ? SHOWN : (int)(te - tb);
        load_error("suppressions file %s:%u: unknown type '%.*s%s' (expected %s)", file, line, shown, tb,
                   te - tb > SHOWN ? "..." : "", words);
        return false;
    }
    if (pb == pe) {
        load_error("suppressions file %s:%u: empty pattern after '%s:': expected TYPE:PATTERN, e.g. %s:my_function",
                   file, line, type_words[type], type_words[type]);
        return false;
    }
    size_t tlen = strlen(type_words[type]), plen = (size_t)(pe - pb);
    r->type = (enum supp_type)type;
    r->line = line;
    r->text = crace_alloc(tlen + 1 + plen + 1);
    memcpy(r->text, type_words[type], tlen);
    r->text[tlen] = ':';
    memcpy(r->text + tlen + 1, pb, plen);
    r->pattern = r->text + tlen + 1;
    atomic_init(&r->hits, 0);
    return true;
}

static void free_rules(void)
{
    for (size_t i = 0; i < n_rules; i++)
        crace_free(rules[i].text);
    crace_free(rules);
    crace_free(rules_file);
    rules = NULL;
    n_rules = 0;
    rules_file = NULL;
    rule_types = 0;
    atomic_store(&suppressed, 0);
}

bool suppress_load(const char *path)
{
    free_rules();
    char where[4096];
    const char *file = locate(path, where, sizeof(where));
    char *text = read_file(file);
    if (!text) {
        char ebuf[128];
        load_error("cannot read suppressions file '%s': %s", path, strerror_r(errno, ebuf, sizeof(ebuf)));
        return false;
    }
    size_t cap = 0, errors = 0;
    unsigned line = 0;
    for (const char *b = text; *b;) {
        const char *e = strchr(b, '\n');
        if (!e)
            e = b + strlen(b); /* the last line, without a newline */
        const char *next = *e ? e + 1 : e;
        line++;
        trim(&b, &e);
        if (b < e && *b != '#') {
            if (n_rules == cap) {
                cap = cap ? cap * 2 : 16;
                rules = crace_realloc(rules, cap * sizeof(*rules));
            }
            if (!parse_rule(file, line, b, e, &rules[n_rules])) {
                if (++errors == MAX_ERRORS) {
                    load_error("suppressions file %s: too many errors, giving up", file);
                    break;
                }
            } else {
                rule_types |= TYPE_BIT(rules[n_rules].type);
                n_rules++;
            }
        }
        b = next;
    }
    crace_free(text);
    rules_file = crace_strdup(file);
    if (errors) {
        free_rules();
        return false;
    }
    return true;
}

bool suppress_enabled(void)
{
    return n_rules > 0;
}

/* ---------------------------------------------------------------- matching */

struct search {
    unsigned types;    /* rule types that cover the finding */
    bool first_stack;  /* the frames are the finding's first stack's */
    struct rule *hit;  /* the rule that matched, first in file order */
};

static bool matches_frame(const struct rule *r, const struct gc_frame *fr, bool first_stack)
{
    if (r->type == SUPP_CALLED_FROM_LIB)
        return first_stack && fr->module && suppress_match(r->pattern, fr->module);
    if (fr->function && strcmp(fr->function, "??") != 0 && suppress_match(r->pattern, fr->function))
        return true;
    if (fr->file &&
        (suppress_match(r->pattern, fr->file) || suppress_match(r->pattern, strip_path(fr->file))))
        return true;
    return fr->module && suppress_match(r->pattern, fr->module);
}

/* gc_symbolize's callback: stops at the first frame a rule matches. */
static int search_frame(const struct gc_frame *fr, void *arg)
{
    struct search *s = arg;
    if (gc_frame_is_hidden(fr))
        return 0;
    for (size_t i = 0; i < n_rules; i++) {
        struct rule *r = &rules[i];
        if ((s->types & TYPE_BIT(r->type)) && matches_frame(r, fr, s->first_stack)) {
            s->hit = r;
            return 1;
        }
    }
    return 0;
}

/* Stacks in the order the report prints them, frames innermost first,
 * as ThreadSanitizer looks; the global's name last. */
static struct rule *search(const struct crace_finding *f, unsigned types)
{
    struct search s = {types, true, NULL};
    for (size_t i = 0; i < f->n_stacks && !s.hit; i++) {
        s.first_stack = i == 0;
        if (i == 1 && (types & ~TYPE_BIT(SUPP_CALLED_FROM_LIB)) == 0)
            break; /* called_from_lib looks at the first stack only */
        const struct finding_stack *st = &f->stack[i];
        for (size_t k = 0; st->pcs && k < st->n && !s.hit; k++)
            if (st->pcs[k])
                gc_symbolize(st->pcs[k], true, search_frame, &s);
    }
    const struct report *r = f->race;
    if (!s.hit && report_kind_is_access_pair(f->kind) && r && r->loc.kind == LOC_GLOBAL && r->loc.name[0])
        for (size_t i = 0; i < n_rules && !s.hit; i++)
            if (rules[i].type == SUPP_RACE && suppress_match(rules[i].pattern, r->loc.name))
                s.hit = &rules[i];
    return s.hit;
}

bool suppress_finding(const struct crace_finding *f)
{
    if (!f || n_rules == 0)
        return false;
    CHECK(f->kind < REPORT_KIND_COUNT);
    unsigned types = types_covering(f->kind) & rule_types;
    if (!types)
        return false;
    /* libdw allocates through functions the shim intercepts: they must
     * neither check nor record the symbolizer's work. */
    crace_thread *t = crace_shim_enter();
    struct rule *hit = search(f, types);
    crace_shim_leave(t);
    if (!hit)
        return false;
    atomic_fetch_add_explicit(&hit->hits, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&suppressed, 1, memory_order_relaxed);
    return true;
}

uint64_t suppress_count(void)
{
    return atomic_load_explicit(&suppressed, memory_order_relaxed);
}

void suppress_reset_counts(void)
{
    atomic_store_explicit(&suppressed, 0, memory_order_relaxed);
    for (size_t i = 0; i < n_rules; i++)
        atomic_store_explicit(&rules[i].hits, 0, memory_order_relaxed);
}

void suppress_foreach(void (*fn)(const char *file, unsigned line, const char *rule, uint64_t hits, void *arg),
                      void *arg)
{
    for (size_t i = 0; i < n_rules; i++)
        fn(rules_file, rules[i].line, rules[i].text,
           atomic_load_explicit(&rules[i].hits, memory_order_relaxed), arg);
}

/* ---------------------------------------------------------------- benign races */

/* The ranges annotated benign, in the order given. benign_lock protects
 * them; a leaf lock, taken at an annotation and when a race is about to be
 * reported, nothing else held or taken under it. */
struct benign_range {
    uintptr_t lo, hi;
};
static gc_lock_t benign_lock = GC_LOCK_INIT;
static struct benign_range *benign;
static size_t n_benign, benign_cap;

void suppress_benign_add(uintptr_t addr, size_t size)
{
    if (size == 0)
        return;
    gc_lock(&benign_lock);
    if (n_benign == benign_cap) {
        benign_cap = benign_cap ? benign_cap * 2 : 16;
        benign = crace_realloc(benign, benign_cap * sizeof(*benign));
    }
    benign[n_benign++] = (struct benign_range){addr, addr + size};
    gc_unlock(&benign_lock);
}

bool suppress_benign(uintptr_t addr)
{
    bool found = false;
    gc_lock(&benign_lock);
    for (size_t i = 0; i < n_benign && !found; i++)
        found = addr >= benign[i].lo && addr < benign[i].hi;
    gc_unlock(&benign_lock);
    return found;
}

void suppress_fork(enum crace_fork_phase phase)
{
    crace_fork_lock(&benign_lock, phase);
}
