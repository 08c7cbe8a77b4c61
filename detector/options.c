/*
 * options.c: CRACE_OPTIONS, parsed once before main (options.h).
 *
 * Everything here is expanded from CRACE_OPTIONS_LIST (options.inc): the
 * struct, the defaults, the table the parser walks, the help and the
 * markdown table. Checks beyond the type (ranges, fixed words) are listed
 * by struct field below, so the compiler rejects a check for an option
 * that does not exist.
 *
 * A detector that silently does not detect is the worst failure a CI gate
 * can have, so every mistake is an error naming the key: unknown keys,
 * values of the wrong type, values out of range.
 *
 * Runs before the shim's allocator interceptors are ready: no malloc, only
 * crace_alloc (glibc's __libc_* entry points) and stack buffers.
 */
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

struct crace_options crace_opts = {
#define OPTION_DEFAULT(type, name, def, help) .name = def,
    CRACE_OPTIONS_LIST(OPTION_DEFAULT)
#undef OPTION_DEFAULT
};

static const struct crace_options option_defaults = {
#define OPTION_DEFAULT(type, name, def, help) .name = def,
    CRACE_OPTIONS_LIST(OPTION_DEFAULT)
#undef OPTION_DEFAULT
};

/* PATH is a STRING naming a file; `crace run` makes it absolute, since
 * the processes of a run may change directory. */
enum option_type { OPTION_BOOL, OPTION_INT, OPTION_STRING, OPTION_PATH };

static const char *const option_type_names[] = {
    [OPTION_BOOL] = "bool",
    [OPTION_INT] = "int",
    [OPTION_STRING] = "string",
    [OPTION_PATH] = "path",
};

struct option_desc {
    const char *name;
    enum option_type type;
    size_t offset; /* of the field in struct crace_options */
    const char *help;
};

static const struct option_desc option_table[] = {
#define OPTION_DESC(type, name, def, help) \
    {#name, OPTION_##type, offsetof(struct crace_options, name), help},
    CRACE_OPTIONS_LIST(OPTION_DESC)
#undef OPTION_DESC
};

enum { N_OPTIONS = sizeof(option_table) / sizeof(option_table[0]) };

/* ---------------------------------------------------------------- checks */

enum check_kind {
    CHECK_RANGE,    /* INT: min <= value <= max */
    CHECK_WORDS,    /* STRING: one of words */
    CHECK_NONEMPTY, /* STRING: not "" */
};

struct option_check {
    size_t offset;
    enum check_kind kind;
    long min, max;
    const char *const *words; /* NULL-terminated */
    const char *expected;     /* overrides the generated "expected ..." text */
};

#define OPTION_FIELD(name) offsetof(struct crace_options, name)

static const char *const report_formats[] = {"text", NULL};
static const char *const leak_checks[] = {"blocked", "running", "none", NULL};

static const struct option_check option_checks[] = {
    {OPTION_FIELD(exitcode), CHECK_RANGE, 0, 255, NULL, NULL},
    {OPTION_FIELD(history_size), CHECK_RANGE, 0, 7, NULL, NULL},
    {OPTION_FIELD(busy_select_threshold), CHECK_RANGE, 0, LONG_MAX, NULL, NULL},
    {OPTION_FIELD(lock_spin), CHECK_RANGE, 0, 1000000, NULL, NULL},
    {OPTION_FIELD(report_format), CHECK_WORDS, 0, 0, report_formats, NULL},
    {OPTION_FIELD(leak_check), CHECK_WORDS, 0, 0, leak_checks, NULL},
    {OPTION_FIELD(log_path), CHECK_NONEMPTY, 0, 0, NULL, "stderr, stdout or a path prefix"},
};

enum { N_CHECKS = sizeof(option_checks) / sizeof(option_checks[0]) };

static const struct option_check *check_for(const struct option_desc *d)
{
    for (size_t i = 0; i < N_CHECKS; i++)
        if (option_checks[i].offset == d->offset)
            return &option_checks[i];
    return NULL;
}

/* A small append-only text buffer that truncates silently. */
struct text {
    char *buf;
    size_t cap, len;
};

static void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_printf(struct text *t, const char *fmt, ...)
{
    if (t->len + 1 >= t->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n < t->cap - t->len ? (size_t)n : t->cap - t->len - 1;
}

static void text_words(struct text *t, const char *const *words, const char *last_sep)
{
    for (size_t i = 0; words[i]; i++)
        text_printf(t, "%s%s", i == 0 ? "" : words[i + 1] ? ", " : last_sep, words[i]);
}

/* What a valid value of d looks like: as a phrase for error messages
 * ("an integer in 0..255"), or short for the help and docs ("0..255"). */
static void describe_values(struct text *t, const struct option_desc *d, bool phrase)
{
    static const char *const bool_words[] = {"0", "1", "true", "false", "yes", "no", NULL};
    const struct option_check *c = check_for(d);
    if (c && c->expected) {
        text_printf(t, "%s", c->expected);
        return;
    }
    switch (d->type) {
    case OPTION_BOOL:
        text_words(t, bool_words, phrase ? " or " : ", ");
        return;
    case OPTION_INT:
        if (c && c->kind == CHECK_RANGE && c->max == LONG_MAX)
            text_printf(t, "%s>= %ld", phrase ? "an integer " : "", c->min);
        else if (c && c->kind == CHECK_RANGE)
            text_printf(t, "%s%ld..%ld", phrase ? "an integer in " : "", c->min, c->max);
        else
            text_printf(t, "%s", phrase ? "an integer" : "any integer");
        return;
    case OPTION_STRING:
    case OPTION_PATH:
        if (c && c->kind == CHECK_WORDS) {
            text_printf(t, "%s", phrase ? "one of: " : "");
            text_words(t, c->words, ", ");
        } else {
            text_printf(t, "%s", phrase ? "a string" : "any");
        }
        return;
    }
}

static bool check_ok(const struct option_check *c, const struct crace_options *o)
{
    const char *field = (const char *)o + c->offset;
    switch (c->kind) {
    case CHECK_RANGE: {
        long v = *(const long *)(const void *)field;
        return v >= c->min && v <= c->max;
    }
    case CHECK_WORDS: {
        const char *v = *(const char *const *)(const void *)field;
        for (size_t i = 0; c->words[i]; i++)
            if (strcmp(v, c->words[i]) == 0)
                return true;
        return false;
    }
    case CHECK_NONEMPTY:
        return (*(const char *const *)(const void *)field)[0] != '\0';
    }
    return false;
}

/* ---------------------------------------------------------------- parser */

static bool is_separator(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == ':';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool equal_nocase(const char *a, size_t alen, const char *b)
{
    size_t i = 0;
    for (; i < alen && b[i]; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return i == alen && b[i] == '\0';
}

static const struct option_desc *find_option(const char *key, size_t len)
{
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (strlen(option_table[i].name) == len && memcmp(option_table[i].name, key, len) == 0)
            return &option_table[i];
    return NULL;
}

/* Levenshtein distance of a (alen bytes) and b, for "did you mean". */
static size_t edit_distance(const char *a, size_t alen, const char *b)
{
    enum { MAXLEN = 64 };
    size_t blen = strlen(b);
    if (alen >= MAXLEN || blen >= MAXLEN)
        return SIZE_MAX;
    size_t row[MAXLEN + 1];
    for (size_t j = 0; j <= blen; j++)
        row[j] = j;
    for (size_t i = 1; i <= alen; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= blen; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[blen];
}

static void unknown_option(struct text *e, const char *key, size_t len)
{
    const char *close = NULL;
    size_t best = 3; /* more edits than 2 is not a typo */
    for (size_t i = 0; i < N_OPTIONS; i++) {
        size_t dist = edit_distance(key, len, option_table[i].name);
        if (dist < best) {
            best = dist;
            close = option_table[i].name;
        }
    }
    text_printf(e, "unknown option '%.*s' in CRACE_OPTIONS (", (int)len, key);
    if (close)
        text_printf(e, "did you mean '%s'? ", close);
    text_printf(e, "known: ");
    for (size_t i = 0; i < N_OPTIONS; i++)
        text_printf(e, "%s%s", i ? ", " : "", option_table[i].name);
    text_printf(e, ")");
}

static void bad_value(struct text *e, const struct option_desc *d, const char *value, size_t len)
{
    enum { SHOWN = 80 }; /* a value longer than this is cut in the message */
    text_printf(e, "bad value '%.*s%s' for option '%s': expected ", (int)(len > SHOWN ? SHOWN : len),
                value, len > SHOWN ? "..." : "", d->name);
    describe_values(e, d, true);
}

static bool parse_bool(const char *v, size_t len, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes"};
    static const char *const no[] = {"0", "false", "no"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (equal_nocase(v, len, yes[i])) {
            *out = true;
            return true;
        }
        if (equal_nocase(v, len, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool parse_long(const char *v, size_t len, long *out)
{
    char buf[32];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, v, len);
    buf[len] = '\0';
    if (buf[0] != '-' && buf[0] != '+' && (buf[0] < '0' || buf[0] > '9'))
        return false; /* strtol would skip white space */
    char *end;
    errno = 0;
    long n = strtol(buf, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = n;
    return true;
}

/*
 * Stores value into d's field of o. String values are copied; owned[i]
 * remembers the copy made during this parse for option i, so that a key
 * given twice, or a failed parse, frees it again.
 */
static bool set_option(struct crace_options *o, const struct option_desc *d, const char *value,
                       size_t len, char **owned, struct text *e)
{
    void *field = (char *)o + d->offset;
    bool ok = false;
    switch (d->type) {
    case OPTION_BOOL:
        ok = parse_bool(value, len, (bool *)field);
        break;
    case OPTION_INT:
        ok = parse_long(value, len, (long *)field);
        break;
    case OPTION_STRING:
    case OPTION_PATH: {
        char *copy = crace_alloc(len + 1);
        memcpy(copy, value, len);
        size_t i = (size_t)(d - option_table);
        crace_free(owned[i]);
        owned[i] = copy;
        *(const char **)field = copy;
        ok = true;
        break;
    }
    }
    const struct option_check *c = check_for(d);
    if (ok && c)
        ok = check_ok(c, o);
    if (!ok)
        bad_value(e, d, value, len);
    return ok;
}

int options_parse(struct crace_options *o, const char *text, char *err, size_t errlen)
{
    struct crace_options next = *o;
    char *owned[N_OPTIONS] = {0};
    struct text e = {err, errlen, 0};
    if (errlen)
        err[0] = '\0';
    const char *p = text ? text : "";
    for (;;) {
        while (is_separator(*p))
            p++;
        if (*p == '\0')
            break;
        const char *key = p;
        while (*p && *p != '=' && !is_separator(*p))
            p++;
        size_t keylen = (size_t)(p - key);
        if (*p != '=') {
            text_printf(&e, "option '%.*s' in CRACE_OPTIONS has no value: expected %.*s=VALUE",
                        (int)keylen, key, (int)keylen, key);
            goto fail;
        }
        if (keylen == 0) {
            text_printf(&e, "missing option name before '=' in CRACE_OPTIONS");
            goto fail;
        }
        p++;
        const char *value = p;
        size_t vlen;
        if (*p == '"' || *p == '\'') {
            const char *close = strchr(p + 1, *p);
            if (!close) {
                text_printf(&e, "unterminated quote in the value of option '%.*s'", (int)keylen, key);
                goto fail;
            }
            value = p + 1;
            vlen = (size_t)(close - value);
            p = close + 1;
            if (*p && !is_separator(*p)) {
                text_printf(&e, "unexpected '%c' after the quoted value of option '%.*s'", *p,
                            (int)keylen, key);
                goto fail;
            }
        } else {
            while (*p && !is_separator(*p))
                p++;
            vlen = (size_t)(p - value);
        }
        const struct option_desc *d = find_option(key, keylen);
        if (!d) {
            unknown_option(&e, key, keylen);
            goto fail;
        }
        if (!set_option(&next, d, value, vlen, owned, &e))
            goto fail;
    }
    *o = next;
    return 0;

fail:
    for (size_t i = 0; i < N_OPTIONS; i++)
        crace_free(owned[i]);
    return -1;
}

void options_set_defaults(struct crace_options *o)
{
    *o = option_defaults;
}

void options_init(void)
{
    const char *text = getenv("CRACE_OPTIONS");
    char err[1024];
    if (text && options_parse(&crace_opts, text, err, sizeof(err)) != 0)
        crace_fatal("%s", err);
}

/* ---------------------------------------------------------------- help */

static void default_text(struct text *t, const struct option_desc *d)
{
    const void *field = (const char *)&option_defaults + d->offset;
    switch (d->type) {
    case OPTION_BOOL:
        text_printf(t, "%s", *(const bool *)field ? "true" : "false");
        return;
    case OPTION_INT:
        text_printf(t, "%ld", *(const long *)field);
        return;
    case OPTION_STRING:
    case OPTION_PATH:
        text_printf(t, "%s", *(const char *const *)field);
        return;
    }
}

static void put_text(int fd, struct text *t)
{
    output_write_fd(fd, t->buf, t->len);
    t->len = 0;
}

void options_print_help(int fd)
{
    char buf[1024];
    struct text t = {buf, sizeof(buf), 0};
    text_printf(&t, "CRACE_OPTIONS: key=value pairs separated by spaces or colons, e.g.\n"
                    "    CRACE_OPTIONS='halt_on_error=1 log_path=/tmp/race'\n"
                    "A value may be quoted ('...' or \"...\") to contain spaces or colons.\n\n");
    put_text(fd, &t);
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_desc *d = &option_table[i];
        text_printf(&t, "  %s (%s: ", d->name, option_type_names[d->type]);
        describe_values(&t, d, false);
        text_printf(&t, "; default: ");
        size_t before = t.len;
        default_text(&t, d);
        if (t.len == before)
            text_printf(&t, "\"\"");
        text_printf(&t, ")\n      %s\n", d->help);
        put_text(fd, &t);
    }
}

/* Markdown cells must not contain a raw '|'. */
static void cell(struct text *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '|')
            text_printf(t, "\\|");
        else
            text_printf(t, "%c", s[i]);
    }
}

void options_print_markdown(int fd)
{
    char buf[1024], tmp[512];
    struct text t = {buf, sizeof(buf), 0};
    text_printf(&t, "| Option | Type | Default | Values | Description |\n"
                    "|---|---|---|---|---|\n");
    put_text(fd, &t);
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_desc *d = &option_table[i];
        struct text v = {tmp, sizeof(tmp), 0};
        text_printf(&t, "| `%s` | %s | ", d->name, option_type_names[d->type]);
        default_text(&v, d);
        if (v.len) {
            text_printf(&t, "`");
            cell(&t, v.buf, v.len);
            text_printf(&t, "`");
        } else {
            text_printf(&t, "(empty)");
        }
        text_printf(&t, " | ");
        v.len = 0;
        describe_values(&v, d, false);
        cell(&t, v.buf, v.len);
        text_printf(&t, " | ");
        cell(&t, d->help, strlen(d->help));
        text_printf(&t, " |\n");
        put_text(fd, &t);
    }
}
