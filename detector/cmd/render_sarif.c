/*
 * render_sarif.c: SARIF 2.1.0, as GitHub code scanning reads it.
 *
 * One run; tool.driver "crace" with one rule per finding kind (id = the
 * kind's json name). One result per merged finding:
 *   locations[0]        the primary frame (findings.h): where the current
 *                       access of a race, or the first stack of anything
 *                       else, meets the project's sources;
 *   relatedLocations    a race's previous access; for other kinds the
 *                       primary frames of the other stacks;
 *   codeFlows[0]        one threadFlow per stack, outermost frame first
 *                       (a threadFlow is in execution order);
 *   partialFingerprints "crace/v1": kind and dedup_key, stable across runs;
 *   occurrenceCount     how many records were merged into it.
 * Paths under the current directory become URIs relative to %SRCROOT%
 * (the repository root when run there, as CI does), others absolute
 * file:// URIs. Frames without a file have no place in code scanning and
 * are left out of the flows.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "render.h"

/* GitHub shows at most 10 related locations per result anyway. */
enum { SARIF_MAX_RELATED = 10 };

#define SARIF_SCHEMA_URI \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define SRCROOT "%SRCROOT%"

static const char *kind_description(enum report_kind k)
{
    switch (k) {
    case REPORT_DATA_RACE:
        return "Two goroutines (threads) accessed the same memory, at least one of them writing, "
               "and nothing ordered the accesses: no lock, channel, join or atomic made one happen "
               "before the other.";
    case REPORT_HEAP_USE_AFTER_FREE:
        return "A heap block was used after it was freed: by the goroutine that freed it, or by "
               "one that the free happens before (a lock, a join, a channel ordered them), so the "
               "memory may belong to another block already.";
    case REPORT_POTENTIAL_DEADLOCK:
        return "Two locks were taken in opposite orders by different goroutines. This run got "
               "lucky; another interleaving deadlocks.";
    case REPORT_DEADLOCK:
        return "Goroutines wait for each other in a cycle, or every goroutine is blocked forever: "
               "the program cannot go on.";
    case REPORT_GOROUTINE_LEAK:
        return "A goroutine was still blocked forever when the program exited: nobody will ever "
               "send, receive, unlock or signal what it waits for.";
    case REPORT_MISUSE:
        return "A synchronisation primitive was used against its rules (unlocking a mutex that is "
               "not held, destroying one in use, ...).";
    case REPORT_BUSY_SELECT:
        return "A select with a default case runs in a loop without ever blocking, burning a CPU.";
    case REPORT_PANIC:
        return "A Go-style panic ended the program (close of a closed channel, send on a closed "
               "channel, negative WaitGroup counter, ...).";
    case REPORT_KIND_COUNT:
        break;
    }
    return "A finding of a kind this version of crace does not describe.";
}

/* ------------------------------------------------ locations */

/* s percent-encoded for a URI path: everything but unreserved characters
 * and '/' (so a ':' can never pass for a scheme). */
static void write_uri_path(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            putc(*p, out);
        else
            fprintf(out, "%%%02X", *p);
    }
}

static void write_artifact_location(FILE *out, const char *file)
{
    char *shown = path_display(file);
    fputs("{\"uri\":\"", out);
    if (shown[0] == '/') {
        fputs("file://", out);
        write_uri_path(out, shown);
        fputs("\"}", out);
    } else {
        write_uri_path(out, shown);
        fputs("\",\"uriBaseId\":\"" SRCROOT "\"}", out);
    }
    free(shown);
}

static void write_physical_location(FILE *out, const struct json *frame)
{
    fputs("{\"artifactLocation\":", out);
    write_artifact_location(out, frame_file(frame));
    long long line = frame_line(frame), col = frame_column(frame);
    if (line) {
        fprintf(out, ",\"region\":{\"startLine\":%lld", line);
        if (col)
            fprintf(out, ",\"startColumn\":%lld", col);
        putc('}', out);
    }
    putc('}', out);
}

/* A location object; id < 0: none; message NULL: none. */
static void write_location(FILE *out, const struct json *frame, int id, const char *message)
{
    putc('{', out);
    if (id >= 0)
        fprintf(out, "\"id\":%d,", id);
    fputs("\"physicalLocation\":", out);
    write_physical_location(out, frame);
    if (message) {
        fputs(",\"message\":{\"text\":", out);
        json_write_string(out, message);
        putc('}', out);
    }
    putc('}', out);
}

/* "write by goroutine 3", "previous atomic read by goroutine 2"... */
static char *access_words(const struct json *acc)
{
    const char *role = json_get_str(acc, "role");
    bool previous = role && strcmp(role, "previous") == 0;
    bool write = json_is(json_get(acc, "write"), JSON_TRUE);
    bool atomic = json_is(json_get(acc, "atomic"), JSON_TRUE);
    long long g = 0;
    json_int(json_get(acc, "goroutine"), &g);
    if (json_is(json_get(acc, "free"), JSON_TRUE))
        return crace_xasprintf("%s by goroutine %lld", previous ? "Previous free" : "Free", g);
    return crace_xasprintf("%s%s%s by goroutine %lld", previous ? "Previous " : "",
                           atomic ? (previous ? "atomic " : "Atomic ") : "",
                           write ? (previous || atomic ? "write" : "Write")
                                 : (previous || atomic ? "read" : "Read"),
                           g);
}

/* ------------------------------------------------ stacks */

/* The stacks of a record as (title, frames) pairs: "stacks" when the
 * record has it, else its accesses' stacks. */
struct titled_stack {
    char *title;
    const struct json *frames;
};

static size_t record_stacks(const struct json *r, struct titled_stack *out, size_t cap)
{
    size_t n = 0;
    const struct json *stacks = json_get(r, "stacks");
    for (size_t i = 0; i < json_len(stacks) && n < cap; i++) {
        const struct json *s = json_at(stacks, i);
        const char *title = json_get_str(s, "title");
        out[n++] = (struct titled_stack){crace_xstrdup(title ? title : "stack"),
                                         json_get(s, "frames")};
    }
    if (n == 0) {
        const struct json *acc = json_get(r, "accesses");
        for (size_t i = 0; i < json_len(acc) && n < cap; i++)
            out[n++] = (struct titled_stack){access_words(json_at(acc, i)),
                                             json_get(json_at(acc, i), "stack")};
    }
    return n;
}

static size_t frames_with_file(const struct json *frames)
{
    size_t n = 0;
    for (size_t i = 0; i < json_len(frames); i++)
        n += frame_file(json_at(frames, i)) != NULL;
    return n;
}

static void write_thread_flow(FILE *out, const struct titled_stack *s)
{
    fputs("{\"message\":{\"text\":", out);
    json_write_string(out, s->title);
    fputs("},\"locations\":[", out);
    size_t depth = 0;
    for (size_t i = json_len(s->frames); i-- > 0;) {
        const struct json *fr = json_at(s->frames, i);
        if (!frame_file(fr))
            continue;
        if (depth)
            putc(',', out);
        fputs("{\"location\":", out);
        const char *fn = frame_function(fr);
        char *msg = fn ? crace_xasprintf("%s()", fn) : NULL;
        write_location(out, fr, -1, msg);
        free(msg);
        fprintf(out, ",\"nestingLevel\":%zu", depth++);
        const char *module = json_get_str(fr, "module");
        if (module) {
            fputs(",\"module\":", out);
            json_write_string(out, module);
        }
        putc('}', out);
    }
    fputs("]}", out);
}

enum { SARIF_MAX_STACKS = 256 };

static void write_code_flows(FILE *out, const struct finding *f, struct titled_stack *st,
                             size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any |= frames_with_file(st[i].frames) > 0;
    if (!any)
        return; /* a codeFlow needs one threadFlow, a threadFlow one location */
    fputs(",\"codeFlows\":[{\"message\":{\"text\":", out);
    json_write_string(out, f->title);
    fputs("},\"threadFlows\":[", out);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!frames_with_file(st[i].frames))
            continue;
        if (!first)
            putc(',', out);
        first = false;
        write_thread_flow(out, &st[i]);
    }
    fputs("]}]", out);
}

static void write_related(FILE *out, const struct finding *f, struct titled_stack *st, size_t n)
{
    int id = 1;
    bool open = false;
    if (report_kind_is_access_pair(f->kind)) {
        const struct json *prev = record_access(f->record, "previous");
        const struct json *fr = stack_primary_frame(json_get(prev, "stack"));
        if (fr) {
            char *words = access_words(prev);
            fputs(",\"relatedLocations\":[", out);
            write_location(out, fr, id++, words);
            free(words);
            open = true;
        }
    } else {
        for (size_t i = 1; i < n && id <= SARIF_MAX_RELATED; i++) {
            const struct json *fr = stack_primary_frame(st[i].frames);
            if (!fr)
                continue;
            fputs(open ? "," : ",\"relatedLocations\":[", out);
            write_location(out, fr, id++, st[i].title);
            open = true;
        }
    }
    if (open)
        putc(']', out);
}

/* ------------------------------------------------ rules and results */

/* The rules: every known kind, then the unknown kinds found, in order. */
struct rules {
    const char **ids;
    size_t n;
    enum report_kind *kind; /* per id */
};

/* The index of rule id, or rules->n when there is none. */
static size_t rule_find(const struct rules *rules, const char *id)
{
    size_t i = 0;
    while (i < rules->n && strcmp(rules->ids[i], id) != 0)
        i++;
    return i;
}

static void collect_rules(struct rules *rules, const struct findings *fs)
{
    rules->ids = crace_xmalloc((REPORT_KIND_COUNT + fs->n) * sizeof *rules->ids);
    rules->kind = crace_xmalloc((REPORT_KIND_COUNT + fs->n) * sizeof *rules->kind);
    rules->n = 0;
    for (int k = 0; k < REPORT_KIND_COUNT; k++) {
        rules->kind[rules->n] = (enum report_kind)k;
        rules->ids[rules->n++] = finding_kind_name((enum report_kind)k);
    }
    for (size_t i = 0; i < fs->n; i++) {
        if (rule_find(rules, fs->v[i].kind_name) == rules->n) {
            rules->kind[rules->n] = REPORT_KIND_COUNT;
            rules->ids[rules->n++] = fs->v[i].kind_name;
        }
    }
}

/* "DATA RACE" -> "DataRace" (camel) or "Data race" (sentence). */
static void write_title_as(FILE *out, const char *title, bool camel)
{
    putc('"', out);
    bool word_start = true;
    for (const char *p = title; *p; p++) {
        if (*p == ' ') {
            word_start = true;
            if (!camel)
                putc(' ', out);
            continue;
        }
        bool upper = camel ? word_start : p == title;
        char c = *p;
        if (upper && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (!upper && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c == '"' || c == '\\' || (unsigned char)c < 0x20)
            c = '_';
        putc(c, out);
        word_start = false;
    }
    putc('"', out);
}

static const char *rule_title(const struct rules *rules, size_t i, const struct findings *fs)
{
    if (rules->kind[i] != REPORT_KIND_COUNT)
        return finding_kind_title(rules->kind[i]);
    for (size_t j = 0; j < fs->n; j++)
        if (strcmp(fs->v[j].kind_name, rules->ids[i]) == 0)
            return fs->v[j].title;
    return rules->ids[i];
}

static void write_rule(FILE *out, const struct rules *rules, size_t i, const struct findings *fs)
{
    enum report_kind k = rules->kind[i];
    const char *title = rule_title(rules, i, fs);
    fputs("{\"id\":", out);
    json_write_string(out, rules->ids[i]);
    fputs(",\"name\":", out);
    write_title_as(out, title, true);
    fputs(",\"shortDescription\":{\"text\":", out);
    write_title_as(out, title, false);
    fputs("},\"fullDescription\":{\"text\":", out);
    json_write_string(out, kind_description(k));
    fputs("},\"help\":{\"text\":", out);
    json_write_string(out, kind_description(k));
    fprintf(out,
            "},\"defaultConfiguration\":{\"level\":\"%s\"},"
            "\"properties\":{\"tags\":[\"concurrency\",\"reliability\"],"
            "\"problem.severity\":\"%s\"}}",
            finding_kind_level(k), finding_kind_level(k));
}

static void write_result(FILE *out, const struct finding *f, const struct rules *rules)
{
    fputs("{\"ruleId\":", out);
    json_write_string(out, f->kind_name);
    fprintf(out, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":{\"text\":",
            rule_find(rules, f->kind_name), finding_kind_level(f->kind));
    json_write_string(out, f->message);
    fputs("},\"locations\":[", out);
    const struct json *primary = record_primary_frame(f->record);
    if (primary) {
        const struct json *cur = record_access(f->record, "current");
        char *words = report_kind_is_access_pair(f->kind) && cur ? access_words(cur) : NULL;
        write_location(out, primary, -1, words);
        free(words);
    } else {
        /* No frame has a file: the executable is the best place we have. */
        fputs("{\"physicalLocation\":{\"artifactLocation\":", out);
        write_artifact_location(out, json_get_str(json_get(f->record, "process"), "executable"));
        fputs("}}", out);
    }
    putc(']', out);

    struct titled_stack *st = crace_xmalloc(SARIF_MAX_STACKS * sizeof *st);
    size_t n = record_stacks(f->record, st, SARIF_MAX_STACKS);
    write_related(out, f, st, n);
    write_code_flows(out, f, st, n);
    for (size_t i = 0; i < n; i++)
        free(st[i].title);
    free(st);

    fputs(",\"partialFingerprints\":{\"crace/v1\":", out);
    char *fp = crace_xasprintf("%s|%s", f->kind_name, f->dedup_key);
    json_write_string(out, fp);
    free(fp);
    fprintf(out, "},\"occurrenceCount\":%llu,\"properties\":{\"processes\":%zu,\"pids\":[",
            f->occurrences, f->n_procs);
    for (size_t i = 0; i < f->n_procs; i++)
        fprintf(out, "%s%lld", i ? "," : "", f->procs[i].pid);
    fputs("],\"executables\":[", out);
    for (size_t i = 0, shown = 0; i < f->n_procs; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(f->procs[j].executable, f->procs[i].executable) == 0;
        if (seen)
            continue;
        if (shown++)
            putc(',', out);
        json_write_string(out, f->procs[i].executable);
    }
    fputs("]}}", out);
}

void render_sarif(FILE *out, const struct findings *fs)
{
    struct rules rules;
    collect_rules(&rules, fs);

    fputs("{\"$schema\":\"" SARIF_SCHEMA_URI "\",\"version\":\"2.1.0\",\"runs\":[{\n"
          "\"tool\":{\"driver\":{\"name\":\"crace\",\"version\":\"" CRACE_VERSION "\","
          "\"rules\":[\n",
          out);
    for (size_t i = 0; i < rules.n; i++) {
        write_rule(out, &rules, i, fs);
        fputs(i + 1 < rules.n ? ",\n" : "\n", out);
    }
    fputs("]}},\n", out);

    /* %SRCROOT%: the current directory, as a directory URI (trailing /). */
    char *dir = getcwd(NULL, 0);
    fputs("\"originalUriBaseIds\":{\"" SRCROOT "\":{\"uri\":\"file://", out);
    write_uri_path(out, dir ? dir : "/");
    fputs(dir && strcmp(dir, "/") != 0 ? "/\"}},\n" : "\"}},\n", out);
    free(dir);

    fputs("\"results\":[\n", out);
    for (size_t i = 0; i < fs->n; i++) {
        write_result(out, &fs->v[i], &rules);
        fputs(i + 1 < fs->n ? ",\n" : "\n", out);
    }
    fputs("]}]}\n", out);
    free(rules.ids);
    free(rules.kind);
}
