/*
 * findings.c: reading the JSON Lines files of a run into merged findings
 * (findings.h), and the helpers the renderers share.
 *
 * Each line is one record, written by the detector in a single write(2),
 * so a line is either complete or the last one of a file whose writer was
 * killed. A line that does not parse, or is not a record this crace can
 * use, is skipped with a warning naming its file and line; everything
 * else is still reported. Reading is lenient beyond what the renderers
 * need (docs/report-format.md, "What a reader requires"): the strict
 * contract for writers is tests/report/crace-report-1.schema.json.
 */
#include "findings.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

static const struct {
    const char *name;
    const char *title;
} kinds[REPORT_KIND_COUNT] = {
#define FINDINGS_KIND(name, json, title) [REPORT_##name] = {json, title},
    REPORT_KINDS(FINDINGS_KIND)
#undef FINDINGS_KIND
};

const char *finding_kind_name(enum report_kind k)
{
    return kinds[k].name;
}

const char *finding_kind_title(enum report_kind k)
{
    return kinds[k].title;
}

const char *finding_kind_level(enum report_kind k)
{
    switch (k) {
    case REPORT_DATA_RACE:
    case REPORT_HEAP_USE_AFTER_FREE:
    case REPORT_DEADLOCK:
    case REPORT_PANIC: /* it ended the program, as a deadlock does */
        return "error";
    case REPORT_POTENTIAL_DEADLOCK:
    case REPORT_GOROUTINE_LEAK:
    case REPORT_MISUSE:
    case REPORT_BUSY_SELECT:
    case REPORT_KIND_COUNT:
        return "warning";
    }
    return "warning";
}

static enum report_kind kind_of(const char *name)
{
    for (int k = 0; k < REPORT_KIND_COUNT; k++)
        if (strcmp(kinds[k].name, name) == 0)
            return (enum report_kind)k;
    return REPORT_KIND_COUNT;
}

/* ------------------------------------------------ validating a record */

/* Why record cannot be used, or NULL when it can. why is scratch space. */
static const char *invalid_record(const struct json *r, char *why, size_t cap)
{
    if (!json_is(r, JSON_OBJECT))
        return "not a JSON object";
    const char *schema = json_get_str(r, "schema");
    if (!schema)
        return "not a crace report record (no \"schema\" member)";
    if (strcmp(schema, FINDINGS_SCHEMA) != 0) {
        snprintf(why, cap, "unsupported schema \"%.40s\" (this crace reads " FINDINGS_SCHEMA ")",
                 schema);
        return why;
    }
    static const char *const strings[] = {"kind", "title", "message", "text", "dedup_key"};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        if (!json_get_str(r, strings[i])) {
            snprintf(why, cap, "\"%s\" is missing or not a string", strings[i]);
            return why;
        }
    }
    if (!*json_get_str(r, "kind"))
        return "\"kind\" is empty";
    const struct json *proc = json_get(r, "process");
    long long pid;
    if (!json_int(json_get(proc, "pid"), &pid))
        return "\"process.pid\" is missing or not an integer";
    if (!json_get_str(proc, "executable"))
        return "\"process.executable\" is missing or not a string";
    const struct json *merged = json_get(r, "merged");
    if (merged) {
        long long n;
        if (!json_int(json_get(merged, "occurrences"), &n) || n < 1)
            return "\"merged.occurrences\" is not a positive integer";
        const struct json *procs = json_get(merged, "processes");
        if (!json_is(procs, JSON_ARRAY))
            return "\"merged.processes\" is not an array";
        for (size_t i = 0; i < json_len(procs); i++)
            if (!json_int(json_get(json_at(procs, i), "pid"), &pid) ||
                !json_get_str(json_at(procs, i), "executable"))
                return "\"merged.processes\" holds an entry without pid and executable";
    }
    return NULL;
}

/* ------------------------------------------------ merging */

static uint64_t key_hash(const char *kind, const char *key)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const char *p = kind; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull; /* a separator no UTF-8 text holds */
    for (const char *p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return h;
}

/* The index slot of (kind, key): the slot holding it, or the empty one
 * where it belongs. */
static size_t *index_slot(const struct findings *fs, const char *kind, const char *key)
{
    size_t mask = fs->index_cap - 1;
    for (size_t i = key_hash(kind, key) & mask;; i = (i + 1) & mask) {
        size_t *slot = &fs->index[i];
        if (*slot == 0)
            return slot;
        const struct finding *f = &fs->v[*slot - 1];
        if (strcmp(f->kind_name, kind) == 0 && strcmp(f->dedup_key, key) == 0)
            return slot;
    }
}

static void index_grow(struct findings *fs)
{
    /* Kept at most half full, so probes stay short and always end. */
    fs->index_cap = fs->index_cap ? 2 * fs->index_cap : 64;
    free(fs->index);
    fs->index = crace_xmalloc(fs->index_cap * sizeof *fs->index);
    memset(fs->index, 0, fs->index_cap * sizeof *fs->index);
    for (size_t i = 0; i < fs->n; i++)
        *index_slot(fs, fs->v[i].kind_name, fs->v[i].dedup_key) = i + 1;
}

/* Counts process (pid, exe) into f, by a record of its own or by a merged
 * one; true when it was counted the other way already. */
static bool add_process(struct finding *f, long long pid, const char *exe, bool merged)
{
    for (size_t i = 0; i < f->n_procs; i++) {
        struct finding_process *p = &f->procs[i];
        if (p->pid == pid && strcmp(p->executable, exe) == 0) {
            bool other = merged ? p->raw : p->merged;
            p->raw |= !merged;
            p->merged |= merged;
            return other;
        }
    }
    f->procs = crace_xrealloc(f->procs, (f->n_procs + 1) * sizeof *f->procs);
    f->procs[f->n_procs++] = (struct finding_process){pid, crace_xstrdup(exe), !merged, merged};
    return false;
}

/* Counts record r (valid) into f: its own process, or, for a record that
 * crace report merged before, the occurrences and processes it carries.
 * True when a process of it was counted the other way too. */
static bool count_record(struct finding *f, const struct json *r)
{
    const struct json *merged = json_get(r, "merged");
    long long n, pid;
    bool twice = false;
    if (merged) {
        json_int(json_get(merged, "occurrences"), &n);
        f->occurrences += (unsigned long long)n;
        const struct json *procs = json_get(merged, "processes");
        for (size_t i = 0; i < json_len(procs); i++) {
            json_int(json_get(json_at(procs, i), "pid"), &pid);
            twice |= add_process(f, pid, json_get_str(json_at(procs, i), "executable"), true);
        }
        return twice;
    }
    const struct json *proc = json_get(r, "process");
    json_int(json_get(proc, "pid"), &pid);
    f->occurrences++;
    return add_process(f, pid, json_get_str(proc, "executable"), false);
}

/* Takes ownership of r (valid). */
static void add_record(struct findings *fs, struct json *r)
{
    fs->records++;
    const char *kind = json_get_str(r, "kind");
    const char *key = json_get_str(r, "dedup_key");
    if (2 * (fs->n + 1) > fs->index_cap)
        index_grow(fs);
    size_t *slot = index_slot(fs, kind, key);
    if (*slot) {
        struct finding *f = &fs->v[*slot - 1];
        /* Once per finding: its counts are off, whatever the number of
         * processes. */
        bool was = false;
        for (size_t i = 0; i < f->n_procs && !was; i++)
            was = f->procs[i].raw && f->procs[i].merged;
        if (count_record(f, r) && !was)
            fs->twice++;
        json_free(r);
        return;
    }
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? 2 * fs->cap : 16;
        fs->v = crace_xrealloc(fs->v, fs->cap * sizeof *fs->v);
    }
    struct finding *f = &fs->v[fs->n++];
    *f = (struct finding){
        .record = r,
        .kind = kind_of(kind),
        .kind_name = kind,
        .title = json_get_str(r, "title"),
        .message = json_get_str(r, "message"),
        .text = json_get_str(r, "text"),
        .dedup_key = key,
    };
    count_record(f, r);
    *slot = fs->n;
}

size_t findings_count(const struct findings *fs, enum report_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += fs->v[i].kind == k;
    return n;
}

void findings_free(struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        for (size_t j = 0; j < fs->v[i].n_procs; j++)
            free(fs->v[i].procs[j].executable);
        free(fs->v[i].procs);
        json_free(fs->v[i].record);
    }
    free(fs->v);
    free(fs->index);
    free(fs->read);
    *fs = (struct findings){0};
}

void findings_print_counts(FILE *out, const struct findings *fs)
{
    if (fs->n == 0) {
        fputs("no findings", out);
        return;
    }
    const char *sep = "found ";
    for (int k = 0; k <= REPORT_KIND_COUNT; k++) {
        size_t n = findings_count(fs, (enum report_kind)k);
        if (!n)
            continue;
        const char *what =
            k < REPORT_KIND_COUNT ? finding_kind_title((enum report_kind)k) : "OTHER FINDING";
        fprintf(out, "%s%zu ", sep, n);
        for (const char *p = what; *p; p++)
            fputc(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p, out);
        fputs("(s)", out);
        sep = ", ";
    }
}

/* ------------------------------------------------ reading files */

static void skip_line(struct findings *fs, const char *name, size_t line, const char *why)
{
    fs->skipped++;
    fprintf(stderr, "crace report: %s:%zu: skipped: %s\n", name, line, why);
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

/* True when in is a regular file fs has read before; otherwise it is
 * remembered as read. */
static bool read_before(struct findings *fs, FILE *in)
{
    struct stat st;
    if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    for (size_t i = 0; i < fs->n_read; i++)
        if (fs->read[i].dev == st.st_dev && fs->read[i].ino == st.st_ino)
            return true;
    fs->read = crace_xrealloc(fs->read, (fs->n_read + 1) * sizeof *fs->read);
    fs->read[fs->n_read++] = (struct findings_file){st.st_dev, st.st_ino};
    return false;
}

/* Reads in's records into fs; in_dir: found in a directory walk, where
 * merged records are skipped (findings.h). */
static void read_stream(struct findings *fs, FILE *in, const char *name, bool in_dir)
{
    if (read_before(fs, in))
        return;
    fs->files++;
    size_t merged = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    size_t lineno = 0;
    while ((got = getline(&line, &cap, in)) > 0) {
        lineno++;
        size_t n = (size_t)got;
        bool complete = line[n - 1] == '\n';
        if (complete)
            n--;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (blank(line, n))
            continue;
        struct json_error err;
        struct json *r = json_parse(line, n, &err);
        char why[256];
        if (!r) {
            if (complete)
                snprintf(why, sizeof why, "not valid JSON: %s (column %zu)", err.msg, err.column);
            else
                snprintf(why, sizeof why,
                         "truncated record: the file ends inside it (%s at column %zu)", err.msg,
                         err.column);
            skip_line(fs, name, lineno, why);
            continue;
        }
        const char *bad = invalid_record(r, why, sizeof why);
        if (bad) {
            skip_line(fs, name, lineno, bad);
            json_free(r);
            continue;
        }
        if (in_dir && json_get(r, "merged")) {
            merged++;
            json_free(r);
            continue;
        }
        add_record(fs, r);
    }
    if (ferror(in))
        fprintf(stderr, "crace report: %s: read error after line %zu: %s\n", name, lineno,
                strerror(errno));
    if (merged)
        fprintf(stderr,
                "crace report: %s: skipped %zu merged record%s: written by crace report from "
                "records that it would count twice (name the file to read it)\n",
                name, merged, merged == 1 ? "" : "s");
    free(line);
}

/* Reads one file; false when it cannot be opened (after saying so). */
static bool read_file(struct findings *fs, const char *path, bool in_dir)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        fprintf(stderr, "crace report: %s: %s\n", path, strerror(errno));
        return false;
    }
    read_stream(fs, in, path, in_dir);
    fclose(in);
    return true;
}

bool path_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.jsonl under dir, in name order. Symbolic links to directories
 * are not followed (as find(1) does not), so a link cycle cannot loop. */
static void read_dir(struct findings *fs, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "crace report: %s: skipped: cannot read the directory: %s\n", dir,
                strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        names = crace_xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = crace_xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        char *path = crace_xasprintf("%s/%s", dir, names[i]);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            read_dir(fs, path);
        else if (path_has_suffix(names[i], ".jsonl") && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            read_file(fs, path, true);
        free(path);
        free(names[i]);
    }
    free(names);
}

bool findings_read_path(struct findings *fs, const char *path)
{
    if (strcmp(path, "-") == 0) {
        read_stream(fs, stdin, "<stdin>", false);
        return true;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "crace report: %s: %s\n", path, strerror(errno));
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        read_dir(fs, path);
        return true;
    }
    return read_file(fs, path, false);
}

/* ------------------------------------------------ walking a record */

const char *frame_function(const struct json *frame)
{
    return json_get_str(frame, "function");
}

const char *frame_file(const struct json *frame)
{
    const char *f = json_get_str(frame, "file");
    return f && *f ? f : NULL;
}

long long frame_line(const struct json *frame)
{
    long long v;
    return json_int(json_get(frame, "line"), &v) && v > 0 ? v : 0;
}

long long frame_column(const struct json *frame)
{
    long long v;
    return json_int(json_get(frame, "column"), &v) && v > 0 ? v : 0;
}

const struct json *stack_primary_frame(const struct json *stack)
{
    const struct json *any = NULL;
    for (size_t i = 0; i < json_len(stack); i++) {
        const struct json *fr = json_at(stack, i);
        const char *file = frame_file(fr);
        if (!file)
            continue;
        if (path_in_project(file))
            return fr;
        if (!any)
            any = fr;
    }
    return any;
}

const struct json *record_access(const struct json *record, const char *role)
{
    const struct json *acc = json_get(record, "accesses");
    for (size_t i = 0; i < json_len(acc); i++) {
        const char *r = json_get_str(json_at(acc, i), "role");
        if (r && strcmp(r, role) == 0)
            return json_at(acc, i);
    }
    return NULL;
}

const struct json *record_primary_frame(const struct json *record)
{
    const struct json *fr = stack_primary_frame(json_get(record_access(record, "current"), "stack"));
    if (fr)
        return fr;
    const struct json *stacks = json_get(record, "stacks");
    for (size_t i = 0; i < json_len(stacks); i++) {
        fr = stack_primary_frame(json_get(json_at(stacks, i), "frames"));
        if (fr)
            return fr;
    }
    return NULL;
}

/* ------------------------------------------------ paths */

static const char *cwd(void)
{
    static char *dir;
    if (!dir) {
        dir = getcwd(NULL, 0);
        if (!dir)
            dir = crace_xstrdup("/"); /* removed under us: nothing is "under" it */
    }
    return dir;
}

/* file made absolute (against the current directory) and normalised. */
static char *path_normalize(const char *file)
{
    char *in = file[0] == '/' ? crace_xstrdup(file) : crace_xasprintf("%s/%s", cwd(), file);
    char *out = crace_xmalloc(strlen(in) + 2);
    size_t n = 0;
    for (char *save = NULL, *part = strtok_r(in, "/", &save); part;
         part = strtok_r(NULL, "/", &save)) {
        if (strcmp(part, ".") == 0)
            continue;
        if (strcmp(part, "..") == 0) {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--; /* the slash */
            continue;
        }
        out[n++] = '/';
        size_t len = strlen(part);
        memcpy(out + n, part, len);
        n += len;
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    free(in);
    return out;
}

/* The part of the normalised path p below the current directory, or NULL. */
static const char *below_cwd(const char *p)
{
    const char *dir = cwd();
    size_t n = strlen(dir);
    if (n == 1) /* the current directory is / */
        return p[1] ? p + 1 : NULL;
    return strncmp(p, dir, n) == 0 && p[n] == '/' && p[n + 1] ? p + n + 1 : NULL;
}

bool path_in_project(const char *file)
{
    char *p = path_normalize(file);
    bool in = below_cwd(p) != NULL;
    free(p);
    return in;
}

char *path_display(const char *file)
{
    char *p = path_normalize(file);
    const char *rel = below_cwd(p);
    char *out = crace_xstrdup(rel ? rel : p);
    free(p);
    return out;
}
