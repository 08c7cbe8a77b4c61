/*
 * fuzz_report.c: libFuzzer harness for what `crace report` reads:
 * detector/cmd/json.c (json_parse) and detector/cmd/findings.c (JSON
 * Lines files of findings, findings_read_path).
 *
 * The input is parsed as one JSON value; a value that parses is written
 * out and parsed again, and must come back byte for byte (json.h: a
 * record read and written again is unchanged). The input is also written
 * to a memfd and read as a findings file through its /proc/self/fd path,
 * as `crace report FILE` does, and every finding read is walked the way
 * the renderers walk it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "findings.h"
#include "json.h"

/* v written as JSON into a new string (caller frees). */
static char *to_text(const struct json *v, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        abort();
    json_write(f, v);
    fclose(f);
    return buf;
}

static void fuzz_json(const uint8_t *data, size_t size)
{
    /* An exact-size copy, not NUL-terminated: json_parse takes a length. */
    char *text = malloc(size ? size : 1);
    memcpy(text, data, size);
    struct json_error err;
    struct json *v = json_parse(text, size, &err);
    free(text);
    if (!v) {
        if (strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg) || err.column > size + 1)
            abort();
        return;
    }
    size_t n1, n2;
    char *t1 = to_text(v, &n1);
    struct json *w = json_parse(t1, n1, &err);
    if (!w) {
        fprintf(stderr, "json_write output does not parse again: %s at column %zu\n", err.msg, err.column);
        abort();
    }
    char *t2 = to_text(w, &n2);
    if (n1 != n2 || memcmp(t1, t2, n1) != 0) {
        fprintf(stderr, "json_write then json_parse changed the value\n");
        abort();
    }
    free(t1);
    free(t2);
    json_free(v);
    json_free(w);
}

static void walk_finding(const struct finding *f, FILE *sink)
{
    const struct json *r = f->record;
    fprintf(sink, "%s %s %s %s %llu\n", f->kind_name ? f->kind_name : "", f->title ? f->title : "",
            f->message ? f->message : "", f->dedup_key ? f->dedup_key : "", f->occurrences);
    for (size_t i = 0; i < f->n_procs; i++)
        fprintf(sink, "%lld %s\n", f->procs[i].pid, f->procs[i].executable ? f->procs[i].executable : "");
    const struct json *frame = record_primary_frame(r);
    if (frame) {
        const char *file = frame_file(frame);
        fprintf(sink, "%s %lld %lld\n", frame_function(frame) ? frame_function(frame) : "", frame_line(frame),
                frame_column(frame));
        if (file) {
            char *shown = path_display(file);
            fprintf(sink, "%s %d\n", shown, path_in_project(file));
            free(shown);
        }
    }
    const char *roles[] = {"current", "previous"};
    for (size_t i = 0; i < 2; i++) {
        const struct json *a = record_access(r, roles[i]);
        if (a)
            fprintf(sink, "%s\n", json_get_str(a, "kind") ? json_get_str(a, "kind") : "");
    }
}

static void fuzz_findings(const uint8_t *data, size_t size)
{
    int fd = memfd_create("findings.jsonl", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    if (size && write(fd, data, size) != (ssize_t)size)
        abort();
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    struct findings fs = {0};
    if (findings_read_path(&fs, path)) {
        FILE *sink = fopen("/dev/null", "w");
        if (!sink)
            abort();
        findings_print_counts(sink, &fs);
        for (size_t i = 0; i < fs.n; i++)
            walk_finding(&fs.v[i], sink);
        fclose(sink);
    }
    findings_free(&fs);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_json(data, size);
    fuzz_findings(data, size);
    return 0;
}
