/*
 * json.h: the JSON the crace command reads and writes (RFC 8259), small
 * enough to keep the command free of libraries.
 *
 * A parsed value is a tree of struct json, owned by its root: json_free
 * frees it all. Strings are UTF-8 (checked while parsing), NUL-terminated
 * and hold no NUL of their own. Numbers keep the text they were written
 * with, so a record read and written again is unchanged, digit for digit.
 * Object members keep their order; a key appearing twice is an error.
 */
#ifndef CRACE_JSON_H
#define CRACE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_member;

struct json {
    enum json_type type;
    size_t n; /* string: bytes; array: items; object: members */
    size_t cap;
    union {
        char *text;                  /* JSON_STRING: the value; JSON_NUMBER: as written */
        struct json **items;         /* JSON_ARRAY */
        struct json_member *members; /* JSON_OBJECT */
    } u;
};

struct json_member {
    char *key;
    struct json *value;
};

/* Why a parse failed: a message and the 1-based column (byte) it refers to. */
struct json_error {
    size_t column;
    char msg[128];
};

/* Parses exactly one value filling text[0..len) (white space around it is
 * allowed). Returns NULL and fills err on any error. */
struct json *json_parse(const char *text, size_t len, struct json_error *err);
void json_free(struct json *v);

/* Reading: each returns NULL / false / 0 when v is NULL or of another type,
 * so that a chain of look-ups needs one check at its end. */
const struct json *json_get(const struct json *obj, const char *key);
const struct json *json_at(const struct json *arr, size_t i);
size_t json_len(const struct json *arr);
const char *json_str(const struct json *v);
bool json_int(const struct json *v, long long *out);
bool json_is(const struct json *v, enum json_type type);
/* json_str(json_get(obj, key)), for brevity. */
const char *json_get_str(const struct json *obj, const char *key);

/* Building. Each returns a new value owned by the caller (or by the
 * container it is then added to). */
struct json *json_new(enum json_type type);
struct json *json_new_string(const char *s);
struct json *json_new_int(long long v);
void json_push(struct json *arr, struct json *item);
/* Sets obj[key] = value: replaces (and frees) an existing member in place,
 * else appends. */
void json_set(struct json *obj, const char *key, struct json *value);

/* Writing: compact, on one line, members in order. */
void json_write(FILE *f, const struct json *v);
/* s as a JSON string literal, quotes included. */
void json_write_string(FILE *f, const char *s);

#endif /* CRACE_JSON_H */
