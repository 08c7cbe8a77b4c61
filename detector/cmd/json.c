/*
 * json.c: a recursive-descent JSON parser and a compact writer (json.h).
 *
 * The parser is strict, because it is what tells a complete record from a
 * damaged one: anything RFC 8259 does not allow is an error with the
 * column where it was seen (no trailing commas, no comments, no NaN, no
 * raw control characters in strings, no invalid UTF-8, no lone
 * surrogates). Nesting deeper than JSON_MAX_DEPTH is refused, so a
 * hostile file cannot exhaust the stack.
 */
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* Far deeper than any record nests (about 6), far shallower than the stack. */
enum { JSON_MAX_DEPTH = 128 };

struct parser {
    const char *start; /* of the text, for columns */
    const char *p;
    const char *end;
    int depth;
    struct json_error *err;
};

/* A growable byte buffer for a string being decoded. */
struct buf {
    char *s;
    size_t n, cap;
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        while (b->n + n + 1 > b->cap)
            b->cap = b->cap ? 2 * b->cap : 32;
        b->s = crace_xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

__attribute__((format(printf, 3, 4))) static struct json *fail(struct parser *ps, const char *at,
                                                              const char *fmt, ...)
{
    /* Only the first error counts: callers unwinding add nothing. */
    if (ps->err->msg[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->err->msg, sizeof ps->err->msg, fmt, ap);
        va_end(ap);
        ps->err->column = (size_t)(at - ps->start) + 1;
    }
    return NULL;
}

static void skip_space(struct parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* Describes the character at p for an error message. */
static const char *what_is_at(const struct parser *ps, const char *p, char *tmp, size_t cap)
{
    if (p >= ps->end)
        return "the end of the line";
    unsigned char c = (unsigned char)*p;
    if (c >= 0x20 && c < 0x7f)
        snprintf(tmp, cap, "'%c'", c);
    else
        snprintf(tmp, cap, "byte 0x%02x", c);
    return tmp;
}

static struct json *unexpected(struct parser *ps, const char *expected)
{
    char tmp[16];
    return fail(ps, ps->p, "expected %s, found %s", expected,
                what_is_at(ps, ps->p, tmp, sizeof tmp));
}

struct json *json_new(enum json_type type)
{
    struct json *v = crace_xmalloc(sizeof *v);
    *v = (struct json){.type = type};
    return v;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *s, const unsigned char *end)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - s) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    static const uint32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static void put_utf8(struct buf *b, uint32_t cp)
{
    char out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        out[0] = (char)(0xf0 | cp >> 18);
        out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    buf_put(b, out, n);
}

/* Four hex digits at p (after "\u"); -1 when they are not. */
static long hex4(const struct parser *ps, const char *p)
{
    if (ps->end - p < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* Decodes the string whose opening quote is at ps->p into a new buffer;
 * returns it (with its length in *len), or NULL after an error. */
static char *parse_string_raw(struct parser *ps, size_t *len)
{
    const char *open = ps->p;
    ps->p++; /* the opening quote */
    struct buf b = {0};
    buf_put(&b, "", 0);
    for (;;) {
        const char *run = ps->p;
        while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' &&
               (unsigned char)*ps->p >= 0x20 && (unsigned char)*ps->p < 0x80)
            ps->p++;
        buf_put(&b, run, (size_t)(ps->p - run));
        if (ps->p >= ps->end) {
            fail(ps, open, "unterminated string");
            goto error;
        }
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            *len = b.n;
            return b.s;
        }
        if (c < 0x20) {
            fail(ps, ps->p, "control character 0x%02x inside a string", c);
            goto error;
        }
        if (c >= 0x80) {
            size_t n = utf8_sequence((const unsigned char *)ps->p, (const unsigned char *)ps->end);
            if (n == 0) {
                fail(ps, ps->p, "invalid UTF-8 inside a string");
                goto error;
            }
            buf_put(&b, ps->p, n);
            ps->p += n;
            continue;
        }
        /* A backslash. */
        const char *esc = ps->p++;
        if (ps->p >= ps->end) {
            fail(ps, open, "unterminated string");
            goto error;
        }
        char e = *ps->p++;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e != '\0' && simple) {
            static const char decoded[] = "\"\\/\b\f\n\r\t";
            buf_put(&b, &decoded[simple - "\"\\/bfnrt"], 1);
            continue;
        }
        if (e != 'u') {
            fail(ps, esc, "invalid escape '\\%c'", e);
            goto error;
        }
        long cp = hex4(ps, ps->p);
        if (cp < 0) {
            fail(ps, esc, "invalid \\u escape");
            goto error;
        }
        ps->p += 4;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            long lo = ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u'
                          ? hex4(ps, ps->p + 2)
                          : -1;
            if (lo < 0xdc00 || lo > 0xdfff) {
                fail(ps, esc, "unpaired surrogate in a \\u escape");
                goto error;
            }
            ps->p += 6;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            fail(ps, esc, "unpaired surrogate in a \\u escape");
            goto error;
        } else if (cp == 0) {
            fail(ps, esc, "\\u0000 inside a string");
            goto error;
        }
        put_utf8(&b, (uint32_t)cp);
    }
error:
    free(b.s);
    return NULL;
}

static struct json *parse_string(struct parser *ps)
{
    size_t len;
    char *s = parse_string_raw(ps, &len);
    if (!s)
        return NULL;
    struct json *v = json_new(JSON_STRING);
    v->u.text = s;
    v->n = len;
    return v;
}

static bool is_digit(const struct parser *ps, const char *p)
{
    return p < ps->end && *p >= '0' && *p <= '9';
}

static struct json *parse_number(struct parser *ps)
{
    const char *s = ps->p;
    if (*ps->p == '-')
        ps->p++;
    if (!is_digit(ps, ps->p))
        return unexpected(ps, "a digit");
    if (*ps->p == '0')
        ps->p++;
    else
        while (is_digit(ps, ps->p))
            ps->p++;
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (!is_digit(ps, ps->p))
            return unexpected(ps, "a digit after '.'");
        while (is_digit(ps, ps->p))
            ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (!is_digit(ps, ps->p))
            return unexpected(ps, "a digit in the exponent");
        while (is_digit(ps, ps->p))
            ps->p++;
    }
    struct json *v = json_new(JSON_NUMBER);
    v->n = (size_t)(ps->p - s);
    v->u.text = crace_xmalloc(v->n + 1);
    memcpy(v->u.text, s, v->n);
    v->u.text[v->n] = '\0';
    return v;
}

static struct json *parse_value(struct parser *ps);

static struct json *parse_array(struct parser *ps)
{
    ps->p++; /* [ */
    struct json *arr = json_new(JSON_ARRAY);
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return arr;
    }
    for (;;) {
        struct json *item = parse_value(ps);
        if (!item)
            break;
        json_push(arr, item);
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return arr;
        }
        unexpected(ps, "',' or ']'");
        break;
    }
    json_free(arr);
    return NULL;
}

static struct json *parse_object(struct parser *ps)
{
    ps->p++; /* { */
    struct json *obj = json_new(JSON_OBJECT);
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return obj;
    }
    for (;;) {
        skip_space(ps);
        if (ps->p >= ps->end || *ps->p != '"') {
            unexpected(ps, "a member name");
            break;
        }
        const char *key_at = ps->p;
        size_t key_len;
        char *key = parse_string_raw(ps, &key_len);
        if (!key)
            break;
        if (json_get(obj, key)) {
            fail(ps, key_at, "duplicate member \"%.60s\"", key);
            free(key);
            break;
        }
        skip_space(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            free(key);
            unexpected(ps, "':'");
            break;
        }
        ps->p++;
        struct json *value = parse_value(ps);
        if (!value) {
            free(key);
            break;
        }
        if (obj->n == obj->cap) {
            obj->cap = obj->cap ? 2 * obj->cap : 8;
            obj->u.members = crace_xrealloc(obj->u.members, obj->cap * sizeof *obj->u.members);
        }
        obj->u.members[obj->n++] = (struct json_member){key, value};
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return obj;
        }
        unexpected(ps, "',' or '}'");
        break;
    }
    json_free(obj);
    return NULL;
}

static struct json *parse_literal(struct parser *ps, const char *word, enum json_type type)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return unexpected(ps, "a value");
    ps->p += n;
    return json_new(type);
}

static struct json *parse_value(struct parser *ps)
{
    skip_space(ps);
    if (ps->p >= ps->end)
        return unexpected(ps, "a value");
    if (++ps->depth > JSON_MAX_DEPTH) {
        ps->depth--;
        return fail(ps, ps->p, "nested deeper than %d levels", JSON_MAX_DEPTH);
    }
    struct json *v;
    switch (*ps->p) {
    case '{':
        v = parse_object(ps);
        break;
    case '[':
        v = parse_array(ps);
        break;
    case '"':
        v = parse_string(ps);
        break;
    case 't':
        v = parse_literal(ps, "true", JSON_TRUE);
        break;
    case 'f':
        v = parse_literal(ps, "false", JSON_FALSE);
        break;
    case 'n':
        v = parse_literal(ps, "null", JSON_NULL);
        break;
    default:
        v = *ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9') ? parse_number(ps)
                                                              : unexpected(ps, "a value");
        break;
    }
    ps->depth--;
    return v;
}

struct json *json_parse(const char *text, size_t len, struct json_error *err)
{
    struct parser ps = {text, text, text + len, 0, err};
    *err = (struct json_error){0};
    struct json *v = parse_value(&ps);
    if (!v)
        return NULL;
    skip_space(&ps);
    if (ps.p != ps.end) {
        json_free(v);
        return unexpected(&ps, "the end of the value");
    }
    return v;
}

void json_free(struct json *v)
{
    if (!v)
        return;
    switch (v->type) {
    case JSON_NULL:
    case JSON_FALSE:
    case JSON_TRUE:
        break;
    case JSON_NUMBER:
    case JSON_STRING:
        free(v->u.text);
        break;
    case JSON_ARRAY:
        for (size_t i = 0; i < v->n; i++)
            json_free(v->u.items[i]);
        free(v->u.items);
        break;
    case JSON_OBJECT:
        for (size_t i = 0; i < v->n; i++) {
            free(v->u.members[i].key);
            json_free(v->u.members[i].value);
        }
        free(v->u.members);
        break;
    }
    free(v);
}

/* ------------------------------------------------ reading */

const struct json *json_get(const struct json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->u.members[i].key, key) == 0)
            return obj->u.members[i].value;
    return NULL;
}

const struct json *json_at(const struct json *arr, size_t i)
{
    return arr && arr->type == JSON_ARRAY && i < arr->n ? arr->u.items[i] : NULL;
}

size_t json_len(const struct json *arr)
{
    return arr && arr->type == JSON_ARRAY ? arr->n : 0;
}

const char *json_str(const struct json *v)
{
    return v && v->type == JSON_STRING ? v->u.text : NULL;
}

const char *json_get_str(const struct json *obj, const char *key)
{
    return json_str(json_get(obj, key));
}

bool json_is(const struct json *v, enum json_type type)
{
    return v && v->type == type;
}

bool json_int(const struct json *v, long long *out)
{
    if (!v || v->type != JSON_NUMBER || strpbrk(v->u.text, ".eE"))
        return false;
    errno = 0;
    char *end;
    long long x = strtoll(v->u.text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = x;
    return true;
}

/* ------------------------------------------------ building */

struct json *json_new_string(const char *s)
{
    struct json *v = json_new(JSON_STRING);
    v->u.text = crace_xstrdup(s);
    v->n = strlen(s);
    return v;
}

struct json *json_new_int(long long x)
{
    struct json *v = json_new(JSON_NUMBER);
    v->u.text = crace_xasprintf("%lld", x);
    v->n = strlen(v->u.text);
    return v;
}

void json_push(struct json *arr, struct json *item)
{
    if (arr->n == arr->cap) {
        arr->cap = arr->cap ? 2 * arr->cap : 8;
        arr->u.items = crace_xrealloc(arr->u.items, arr->cap * sizeof *arr->u.items);
    }
    arr->u.items[arr->n++] = item;
}

void json_set(struct json *obj, const char *key, struct json *value)
{
    for (size_t i = 0; i < obj->n; i++) {
        if (strcmp(obj->u.members[i].key, key) == 0) {
            json_free(obj->u.members[i].value);
            obj->u.members[i].value = value;
            return;
        }
    }
    if (obj->n == obj->cap) {
        obj->cap = obj->cap ? 2 * obj->cap : 8;
        obj->u.members = crace_xrealloc(obj->u.members, obj->cap * sizeof *obj->u.members);
    }
    obj->u.members[obj->n++] = (struct json_member){crace_xstrdup(key), value};
}

/* ------------------------------------------------ writing */

void json_write_string(FILE *f, const char *s)
{
    putc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        case '\b':
            fputs("\\b", f);
            break;
        case '\f':
            fputs("\\f", f);
            break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                putc(*p, f);
            break;
        }
    }
    putc('"', f);
}

void json_write(FILE *f, const struct json *v)
{
    switch (v->type) {
    case JSON_NULL:
        fputs("null", f);
        break;
    case JSON_FALSE:
        fputs("false", f);
        break;
    case JSON_TRUE:
        fputs("true", f);
        break;
    case JSON_NUMBER:
        fputs(v->u.text, f);
        break;
    case JSON_STRING:
        json_write_string(f, v->u.text);
        break;
    case JSON_ARRAY:
        putc('[', f);
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                putc(',', f);
            json_write(f, v->u.items[i]);
        }
        putc(']', f);
        break;
    case JSON_OBJECT:
        putc('{', f);
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                putc(',', f);
            json_write_string(f, v->u.members[i].key);
            putc(':', f);
            json_write(f, v->u.members[i].value);
        }
        putc('}', f);
        break;
    }
}
