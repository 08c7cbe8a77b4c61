/*
 * fuzz_suppress.c: libFuzzer harness for suppression files
 * (detector/suppress.c).
 *
 * The whole input is a suppression file: written to a memfd and loaded by
 * suppress_load() through its /proc/self/fd path, as a file named in the
 * suppressions option would be; the rules loaded are then listed. The
 * input is also cut at its first newline into a pattern and a string for
 * suppress_match(), checked against what suppress.h promises: '*' alone
 * matches anything, and a pattern without '*', '^' or '$' matches exactly
 * the strings that contain it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "suppress.h"

static void walk_rule(const char *file, unsigned line, const char *rule, uint64_t hits, void *arg)
{
    size_t *total = arg;
    if (!file || !rule || line == 0 || hits != 0 || !strchr(rule, ':'))
        abort();
    *total += strlen(rule);
}

static void fuzz_load(const uint8_t *data, size_t size)
{
    int fd = memfd_create("suppressions", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    if (size && write(fd, data, size) != (ssize_t)size)
        abort();
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    size_t total = 0;
    if (suppress_load(path)) {
        suppress_foreach(walk_rule, &total);
        if (suppress_count() != 0)
            abort();
    }
    close(fd);
}

static void fuzz_match(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    size_t slen = nl ? size - plen - 1 : 0;
    /* Exact-size copies, so that reading past either end is caught. */
    char *pattern = malloc(plen + 1), *s = malloc(slen + 1);
    memcpy(pattern, data, plen);
    pattern[plen] = '\0';
    memcpy(s, nl ? nl + 1 : data, slen);
    s[slen] = '\0';
    bool m = suppress_match(pattern, s);
    if (strcmp(pattern, "*") == 0 && !m)
        abort();
    if (!strpbrk(pattern, "*^$") && m != (strstr(s, pattern) != NULL))
        abort();
    free(pattern);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load(data, size);
    fuzz_match(data, size);
    return 0;
}
