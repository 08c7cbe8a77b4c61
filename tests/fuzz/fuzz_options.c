/*
 * fuzz_options.c: libFuzzer harness for the CRACE_OPTIONS parser,
 * options_parse() (detector/options.c).
 *
 * The first byte sizes the error buffer (0 to 255 bytes, allocated
 * exactly, so a message written past it is an overflow the sanitizer
 * sees); the rest is the option text. Beyond "no crash", it checks what
 * options.h promises: the message fits the buffer and is NUL-terminated,
 * a failure leaves the options unchanged with a message (when the buffer
 * has room for one), and success leaves no message.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

/* The strings a successful parse copied: every STRING or PATH field that
 * no longer points at its default. */
static void free_copies(struct crace_options *o, const struct crace_options *def)
{
#define FREE_COPY_BOOL(name)
#define FREE_COPY_INT(name)
#define FREE_COPY_STRING(name)      \
    if (o->name != def->name)       \
        free((void *)o->name);
#define FREE_COPY_PATH(name) FREE_COPY_STRING(name)
#define FREE_COPY(type, name, def, help) FREE_COPY_##type(name)
    CRACE_OPTIONS_LIST(FREE_COPY)
#undef FREE_COPY
}

/* Field by field: memcmp would also compare padding. */
static bool same_options(const struct crace_options *a, const struct crace_options *b)
{
#define SAME(type, name, def, help) &&a->name == b->name
    return true CRACE_OPTIONS_LIST(SAME);
#undef SAME
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t errlen = data[0];
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char *err = errlen ? malloc(errlen) : NULL;

    struct crace_options def, o;
    options_set_defaults(&def);
    o = def;
    int rc = options_parse(&o, text, err, errlen);
    if (rc == 0) {
        if (errlen && err[0] != '\0')
            abort(); /* success with a message */
        free_copies(&o, &def);
    } else {
        if (rc != -1 || !same_options(&o, &def))
            abort(); /* a failure must leave the options unchanged */
        if ((errlen && strnlen(err, errlen) == errlen) || (errlen > 1 && err[0] == '\0'))
            abort(); /* unterminated, or no message */
    }
    free(err);
    free(text);
    return 0;
}
