/*
 * report_json.c: findings as crace-report/1 records (report_json.h,
 * docs/report-format.md), and the finding builder the renderers fill
 * alongside their text.
 *
 * A record is built whole in a buffer (crace_alloc, snprintf: no stdio
 * lock, no program allocator) and appended with one write(2) to
 * PREFIX.PID.jsonl, opened O_APPEND: a process killed at any moment leaves
 * the whole record or nothing, and writers never interleave. A forked
 * child opens its own file (the pid is compared, as output.c does).
 *
 * json_lock protects json_fd and json_pid and is held across the write;
 * nothing else is locked while it is held. Symbolization happens before,
 * without it.
 */
#include "report_json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fork.h"
#include "lock.h"
#include "shimlock.h"
#include "options.h"
#include "rt.h"
#include "symbolize.h"
#include "thread.h"

static gc_lock_t json_lock = GC_LOCK_INIT;
static int json_fd = -1;
static pid_t json_pid;

static const char *const kind_json[] = {
#define REPORT_X(name, json, title) [REPORT_##name] = json,
    REPORT_KINDS(REPORT_X)
#undef REPORT_X
};

static const char *const kind_title[] = {
#define REPORT_X(name, json, title) [REPORT_##name] = title,
    REPORT_KINDS(REPORT_X)
#undef REPORT_X
};

static bool json_enabled(void)
{
    return crace_opts.json_path && crace_opts.json_path[0];
}

/* Opens PREFIX.PID.jsonl into json_fd; false with errno set. Under
 * json_lock (or before any thread exists). */
static bool json_open(pid_t pid, char *path, size_t cap)
{
    int n = snprintf(path, cap, "%s.%d.jsonl", crace_opts.json_path, (int)pid);
    if (n < 0 || (size_t)n >= cap) {
        errno = ENAMETOOLONG;
        return false;
    }
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_APPEND | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    if (json_fd >= 0 && json_pid != pid)
        syscall(SYS_close, json_fd); /* the parent's, inherited over fork */
    json_fd = (int)fd;
    json_pid = pid;
    return true;
}

/* A json_path with its pid suffix. */
#define JSON_PATH_MAX 4096

/* json_lock is held across a fork, so no record is half-written; in the
 * child it is free again, and the child opens its own PREFIX.PID.jsonl at
 * once, empty if it finds nothing: the files count the processes that ran
 * under the detector (crace run's summary). A child that cannot open it
 * stays quiet here and tries again at its first finding. */
void report_json_fork(enum crace_fork_phase phase)
{
    crace_fork_lock(&json_lock, phase);
    if (phase == CRACE_FORK_CHILD && json_enabled()) {
        int saved = errno;
        char *path = crace_alloc(JSON_PATH_MAX); /* the forking thread's stack may be small */
        json_open(getpid(), path, JSON_PATH_MAX);
        crace_free(path);
        errno = saved;
    }
}

void report_json_init(void)
{
    if (!json_enabled())
        return;
    char path[4096];
    crace_lock(&json_lock);
    bool ok = json_pid == getpid() && json_fd >= 0;
    if (!ok && !json_open(getpid(), path, sizeof(path))) {
        char ebuf[128];
        const char *why = strerror_r(errno, ebuf, sizeof(ebuf));
        crace_unlock(&json_lock);
        crace_fatal("cannot open json_path '%s': %s", path, why);
    }
    crace_unlock(&json_lock);
}

/* ---------------------------------------------------------------- JSON text */

static void put_char(struct sbuf *b, char c)
{
    if (b->len + 1 >= b->cap)
        return;
    b->buf[b->len++] = c;
    b->buf[b->len] = '\0';
}

static void put_raw(struct sbuf *b, const char *s)
{
    while (*s)
        put_char(b, *s++);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    unsigned cp = c & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void json_put_string(struct sbuf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    put_char(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c == '"' || c == '\\') {
            put_char(b, '\\');
            put_char(b, (char)c);
        } else if (c == '\n') {
            put_raw(b, "\\n");
        } else if (c == '\t') {
            put_raw(b, "\\t");
        } else if (c == '\r') {
            put_raw(b, "\\r");
        } else if (c == 0) {
            /* never in a record */
        } else if (c < 0x20 || c == 0x7f) {
            sb_printf(b, "\\u%04x", c);
        } else if (c >= 0x80) {
            size_t len = utf8_len(u + i, n - i);
            if (!len) {
                put_raw(b, "\xef\xbf\xbd"); /* U+FFFD */
                i++;
                continue;
            }
            for (size_t k = 0; k < len; k++)
                put_char(b, (char)u[i + k]);
            i += len;
            continue;
        } else {
            put_char(b, (char)c);
        }
        i++;
    }
    put_char(b, '"');
}

static void put_str(struct sbuf *b, const char *s)
{
    if (s)
        json_put_string(b, s, strlen(s));
    else
        put_raw(b, "null");
}

static void put_hex(struct sbuf *b, uintptr_t v)
{
    sb_printf(b, "\"0x%lx\"", (unsigned long)v);
}

static void put_gid(struct sbuf *b, uint64_t gid)
{
    if (gid)
        sb_printf(b, "%llu", (unsigned long long)gid);
    else
        put_raw(b, "null");
}

/* ---------------------------------------------------------------- stacks */

struct frame_out {
    struct sbuf *b;
    bool first;
};

static int put_frame(const struct gc_frame *f, void *arg)
{
    struct frame_out *o = arg;
    if (gc_frame_is_hidden(f))
        return 0;
    struct sbuf *b = o->b;
    if (!o->first)
        put_char(b, ',');
    o->first = false;
    put_raw(b, "{\"function\":");
    put_str(b, f->function && strcmp(f->function, "??") != 0 ? f->function : NULL);
    put_raw(b, ",\"file\":");
    put_str(b, f->file);
    put_raw(b, ",\"line\":");
    if (f->file && f->line > 0)
        sb_printf(b, "%d", f->line);
    else
        put_raw(b, "null");
    put_raw(b, ",\"column\":");
    if (f->file && f->column > 0)
        sb_printf(b, "%d", f->column);
    else
        put_raw(b, "null");
    put_raw(b, ",\"pc\":");
    put_hex(b, f->pc);
    put_raw(b, ",\"module\":");
    put_str(b, f->module);
    if (f->module && f->pc >= f->module_base) {
        put_raw(b, ",\"module_offset\":");
        put_hex(b, f->pc - f->module_base);
    }
    sb_printf(b, ",\"inlined\":%s}", f->inlined ? "true" : "false");
    return 0;
}

static void put_stack(struct sbuf *b, const uintptr_t *pcs, size_t n)
{
    if (!pcs) {
        put_raw(b, "null");
        return;
    }
    struct frame_out o = {b, true};
    put_char(b, '[');
    for (size_t i = 0; i < n; i++)
        if (pcs[i])
            gc_symbolize(pcs[i], true, put_frame, &o);
    put_char(b, ']');
}

const uintptr_t *finding_depot(stack_id id, size_t *n)
{
    *n = 0;
    return id ? depot_get(id, n) : NULL;
}

/* ---------------------------------------------------------------- builder */

void finding_init(struct crace_finding *f, enum report_kind kind, const char *title)
{
    memset(f, 0, sizeof(*f));
    CHECK(kind < REPORT_KIND_COUNT);
    f->kind = kind;
    snprintf(f->title, sizeof(f->title), "%s", title ? title : kind_title[kind]);
}

void finding_stack(struct crace_finding *f, const struct sbuf *b, uint64_t gid, const uintptr_t *pcs, size_t n)
{
    if (f->n_stacks >= FINDING_STACKS)
        return;
    struct finding_stack *s = &f->stack[f->n_stacks++];
    /* The heading is b's last line: after the newline before the final
     * one, without ":\n". */
    size_t end = b->len;
    if (end && b->buf[end - 1] == '\n')
        end--;
    if (end && b->buf[end - 1] == ':')
        end--;
    size_t start = end;
    while (start > 0 && b->buf[start - 1] != '\n')
        start--;
    size_t len = end - start < sizeof(s->title) - 1 ? end - start : sizeof(s->title) - 1;
    memcpy(s->title, b->buf + start, len);
    s->title[len] = '\0';
    s->gid = gid;
    s->pcs = pcs;
    s->n = n;
}

void finding_stack_depot(struct crace_finding *f, const struct sbuf *b, uint64_t gid, stack_id id)
{
    size_t n;
    const uintptr_t *pcs = finding_depot(id, &n);
    finding_stack(f, b, gid, pcs, n);
}

struct finding_goroutine *finding_goroutine(struct crace_finding *f, uint64_t id, const char *state)
{
    static struct finding_goroutine spare; /* past the limit: written to, never read */
    for (size_t i = 0; i < f->n_goroutines; i++)
        if (f->goroutine[i].id == id)
            return &f->goroutine[i];
    if (f->n_goroutines >= FINDING_GOROUTINES)
        return &spare;
    struct finding_goroutine *g = &f->goroutine[f->n_goroutines++];
    g->id = id;
    g->state = state;
    return g;
}

struct finding_object *finding_object(struct crace_finding *f, const char *kind, uintptr_t addr)
{
    static struct finding_object spare;
    if (f->n_objects >= FINDING_OBJECTS)
        return &spare;
    struct finding_object *o = &f->object[f->n_objects++];
    o->kind = kind;
    o->addr = addr;
    o->held_by = -1;
    return o;
}

void finding_key(struct crace_finding *f, const char *part)
{
    if (f->n_keys >= FINDING_KEYS)
        return;
    snprintf(f->key[f->n_keys++], sizeof(f->key[0]), "%s", part);
}

static bool system_file(const char *file)
{
    static const char *const dirs[] = {"/usr/include/", "/usr/lib/", "/usr/local/include/"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (strncmp(file, dirs[i], strlen(dirs[i])) == 0)
            return true;
    return false;
}

struct where {
    bool outside_gochan;
    bool found;
    bool any;                    /* the first shown frame, for the fallback */
    struct gc_frame first, user; /* strings live until exit */
};

static bool in_gochan(const struct gc_frame *f)
{
    return f->module && strstr(base_name(f->module), "libgochan");
}

static int find_where(const struct gc_frame *f, void *arg)
{
    struct where *w = arg;
    if (w->found || gc_frame_is_hidden(f))
        return 0;
    if (!w->any) {
        w->first = *f;
        w->any = true;
    }
    if (w->outside_gochan ? !in_gochan(f) : (f->file && !system_file(f->file))) {
        w->user = *f;
        w->found = true;
    }
    return 0;
}

bool finding_where(const uintptr_t *pcs, size_t n, bool outside_gochan, char *at, size_t at_cap, char *key,
                   size_t key_cap)
{
    struct where w = {.outside_gochan = outside_gochan};
    for (size_t i = 0; pcs && i < n && !w.found; i++)
        if (pcs[i])
            gc_symbolize(pcs[i], true, find_where, &w);
    const struct gc_frame *f = w.found ? &w.user : w.any ? &w.first : NULL;
    if (!f) {
        snprintf(at, at_cap, "?");
        snprintf(key, key_cap, "?");
        return false;
    }
    const char *fn = f->function ? f->function : "??";
    if (f->file) {
        snprintf(at, at_cap, "%s:%d", base_name(f->file), f->line);
        snprintf(key, key_cap, "%s:%d", strip_path(f->file), f->line);
    } else {
        snprintf(at, at_cap, "%s", fn);
        snprintf(key, key_cap, "%s", fn);
    }
    return w.found;
}

/* ---------------------------------------------------------------- the record */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put_dedup_key(struct sbuf *b, const struct crace_finding *f)
{
    const char *part[FINDING_KEYS];
    for (size_t i = 0; i < f->n_keys; i++)
        part[i] = f->key[i];
    qsort(part, f->n_keys, sizeof(part[0]), cmp_str);
    /* Not on the stack (8 KiB): a report may come from a thread with a
     * small one. */
    size_t cap = FINDING_KEYS * 512 + FINDING_KEYS;
    char *key = crace_alloc(cap);
    struct sbuf k = {key, cap, 0};
    for (size_t i = 0; i < f->n_keys; i++) {
        if (i && !f->key_keep_dups && strcmp(part[i], part[i - 1]) == 0)
            continue;
        sb_printf(&k, "%s%s", k.len ? "|" : "", part[i]);
    }
    json_put_string(b, key, k.len);
    crace_free(key);
}

/* 2025-03-14T09:26:53.589793Z, computed here: gmtime_r takes glibc's
 * time zone lock. */
static void put_time(struct sbuf *b)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long days = ts.tv_sec / 86400, secs = ts.tv_sec % 86400;
    /* Howard Hinnant's civil_from_days. */
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    sb_printf(b, "\"%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%06ldZ\"", y, m, d, secs / 3600, secs / 60 % 60,
              secs % 60, ts.tv_nsec / 1000);
}

/* Reads a /proc file whole into buf; its length. */
static size_t read_proc(const char *path, char *buf, size_t cap)
{
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    size_t len = 0;
    if (fd < 0)
        return 0;
    while (len < cap) {
        long r = syscall(SYS_read, fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    syscall(SYS_close, fd);
    return len;
}

void report_json_put_process(struct sbuf *b)
{
    /* Not on the stack (20 KiB): the first report may come from a thread
     * with a small one. */
    enum { EXE_MAX = 4096, ARGS_MAX = 16384 };
    char *exe = crace_alloc(EXE_MAX), *args = crace_alloc(ARGS_MAX);
    /* The calling thread's entry: main may have ended (crace_proc_dir). */
    char path[64];
    snprintf(path, sizeof(path), "%s/exe", crace_proc_dir());
    long n = syscall(SYS_readlinkat, AT_FDCWD, path, exe, EXE_MAX - 1);
    exe[n > 0 ? n : 0] = '\0';
    sb_printf(b, "\"process\":{\"pid\":%d,\"executable\":", (int)getpid());
    json_put_string(b, exe, strlen(exe));
    put_raw(b, ",\"argv\":[");
    snprintf(path, sizeof(path), "%s/cmdline", crace_proc_dir());
    size_t len = read_proc(path, args, ARGS_MAX);
    bool first = true;
    for (size_t i = 0; i < len;) {
        size_t k = i;
        while (k < len && args[k])
            k++;
        if (!first)
            put_char(b, ',');
        first = false;
        json_put_string(b, args + i, k - i);
        i = k + 1;
    }
    put_raw(b, "]}");
    crace_free(exe);
    crace_free(args);
}

static void put_goroutines(struct sbuf *b, const struct crace_finding *f)
{
    put_raw(b, "\"goroutines\":[");
    for (size_t i = 0; i < f->n_goroutines; i++) {
        const struct finding_goroutine *g = &f->goroutine[i];
        sb_printf(b, "%s{\"id\":%llu,\"state\":", i ? "," : "", (unsigned long long)g->id);
        put_str(b, g->state ? g->state : "running");
        if (g->created_by)
            sb_printf(b, ",\"created_by\":%llu", (unsigned long long)g->created_by);
        put_raw(b, ",\"created_at\":");
        put_stack(b, g->created_at, g->n_created_at);
        if (g->stack) {
            put_raw(b, ",\"stack\":");
            put_stack(b, g->stack, g->n_stack);
        }
        if (g->waits_on) {
            put_raw(b, ",\"waits_on\":");
            put_hex(b, g->waits_on);
        }
        put_char(b, '}');
    }
    put_char(b, ']');
}

static void put_accesses(struct sbuf *b, const struct report *r)
{
    put_raw(b, "\"accesses\":[");
    for (int i = 0; r && i < 2; i++) {
        const struct report_access *a = &r->access[i];
        sb_printf(b, "%s{\"role\":\"%s\",\"address\":", i ? "," : "", i ? "previous" : "current");
        put_hex(b, a->addr);
        sb_printf(b, ",\"size\":%zu,\"write\":%s,\"atomic\":%s", a->size, a->is_write || a->is_free ? "true" : "false",
                  a->is_atomic ? "true" : "false");
        if (a->is_free)
            put_raw(b, ",\"free\":true");
        put_raw(b, ",\"goroutine\":");
        put_gid(b, a->gid);
        put_raw(b, ",\"stack\":");
        if (a->stack.restore_failed)
            put_raw(b, "null");
        else
            put_stack(b, a->stack.pcs, a->stack.n < STACK_MAX_FRAMES ? a->stack.n : STACK_MAX_FRAMES);
        put_char(b, '}');
    }
    put_char(b, ']');
}

static void put_location(struct sbuf *b, const struct report *r)
{
    put_raw(b, "\"location\":");
    if (!r || r->loc.kind == LOC_UNKNOWN) {
        put_raw(b, "null");
        return;
    }
    const struct report_location *l = &r->loc;
    static const char *const kinds[] = {
        [LOC_UNKNOWN] = "unknown", [LOC_HEAP] = "heap", [LOC_GLOBAL] = "global",
        [LOC_STACK] = "stack",     [LOC_TLS] = "tls",    [LOC_FD] = "fd",
    };
    sb_printf(b, "{\"kind\":\"%s\",\"address\":", kinds[l->kind]);
    put_hex(b, l->start);
    sb_printf(b, ",\"size\":%zu", l->size);
    size_t n;
    const uintptr_t *pcs;
    switch (l->kind) {
    case LOC_UNKNOWN:
        break;
    case LOC_HEAP:
        put_raw(b, ",\"goroutine\":");
        put_gid(b, l->gid);
        pcs = finding_depot(l->stack, &n);
        put_raw(b, ",\"stack\":");
        put_stack(b, pcs, n);
        sb_printf(b, ",\"freed\":%s", l->freed ? "true" : "false");
        break;
    case LOC_GLOBAL:
        put_raw(b, ",\"name\":");
        put_str(b, l->name[0] ? l->name : NULL);
        put_raw(b, ",\"module\":");
        put_str(b, l->module[0] ? l->module : NULL);
        break;
    case LOC_STACK:
    case LOC_TLS:
        put_raw(b, ",\"goroutine\":");
        put_gid(b, l->gid);
        break;
    case LOC_FD:
        sb_printf(b, ",\"fd\":%d,\"goroutine\":", l->fd);
        put_gid(b, l->gid);
        pcs = l->gid ? finding_depot(l->stack, &n) : NULL;
        put_raw(b, ",\"stack\":");
        put_stack(b, pcs, pcs ? n : 0);
        break;
    }
    put_char(b, '}');
}

static void put_stacks(struct sbuf *b, const struct crace_finding *f)
{
    put_raw(b, "\"stacks\":[");
    for (size_t i = 0; i < f->n_stacks; i++) {
        const struct finding_stack *s = &f->stack[i];
        put_raw(b, i ? ",{\"title\":" : "{\"title\":");
        put_str(b, s->title);
        put_raw(b, ",\"goroutine\":");
        put_gid(b, s->gid);
        put_raw(b, ",\"frames\":");
        put_stack(b, s->pcs, s->n);
        put_char(b, '}');
    }
    put_char(b, ']');
}

static void put_extras(struct sbuf *b, const struct crace_finding *f)
{
    if (f->n_cycle) {
        put_raw(b, ",\"cycle\":[");
        for (size_t i = 0; i < f->n_cycle; i++)
            sb_printf(b, "%s%llu", i ? "," : "", (unsigned long long)f->cycle[i]);
        put_char(b, ']');
    }
    if (f->n_objects) {
        put_raw(b, ",\"objects\":[");
        for (size_t i = 0; i < f->n_objects; i++) {
            const struct finding_object *o = &f->object[i];
            put_raw(b, i ? ",{\"kind\":" : "{\"kind\":");
            put_str(b, o->kind);
            put_raw(b, ",\"address\":");
            put_hex(b, o->addr);
            if (o->name[0]) {
                put_raw(b, ",\"name\":");
                put_str(b, o->name);
            }
            if (o->held_by >= 0) {
                put_raw(b, ",\"held_by\":");
                put_gid(b, (uint64_t)o->held_by);
            }
            put_raw(b, ",\"created_at\":");
            put_stack(b, o->created_at, o->n_created_at);
            put_char(b, '}');
        }
        put_char(b, ']');
    }
}

size_t report_json_render(const struct crace_finding *f, const char *text, size_t len, char *buf, size_t cap)
{
    struct sbuf b = {buf, cap, 0};
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    CHECK(f->kind < REPORT_KIND_COUNT);
    sb_printf(&b, "{\"schema\":\"crace-report/1\",\"kind\":\"%s\",\"title\":", kind_json[f->kind]);
    put_str(&b, f->title[0] ? f->title : kind_title[f->kind]);
    put_raw(&b, ",\"message\":");
    put_str(&b, f->message[0] ? f->message : f->title[0] ? f->title : kind_title[f->kind]);
    put_raw(&b, ",\"dedup_key\":");
    put_dedup_key(&b, f);
    put_raw(&b, ",\"time\":");
    put_time(&b);
#ifdef CRACE_VERSION
    put_raw(&b, ",\"crace_version\":\"" CRACE_VERSION "\"");
#endif
    put_char(&b, ',');
    report_json_put_process(&b);
    put_char(&b, ',');
    put_goroutines(&b, f);
    put_char(&b, ',');
    put_accesses(&b, report_kind_is_access_pair(f->kind) ? f->race : NULL);
    put_char(&b, ',');
    put_location(&b, report_kind_is_access_pair(f->kind) ? f->race : NULL);
    put_char(&b, ',');
    put_stacks(&b, f);
    put_extras(&b, f);
    put_raw(&b, ",\"text\":");
    json_put_string(&b, text, len);
    put_raw(&b, "}\n");
    return b.len + 1 >= cap ? cap : b.len;
}

enum { JSON_BUF = 256 * 1024, JSON_BUF_MAX = 64 * 1024 * 1024 };

void report_json_write(const struct crace_finding *f, const char *text, size_t len)
{
    if (!json_enabled())
        return;
    int saved = errno;
    crace_thread *t = crace_shim_enter();
    size_t cap = JSON_BUF, n;
    char *buf;
    for (;;) {
        buf = crace_alloc(cap);
        n = report_json_render(f, text, len, buf, cap);
        if (n < cap || cap >= JSON_BUF_MAX)
            break;
        crace_free(buf);
        cap *= 4;
    }
    if (n < cap) {
        /* Not on the stack: the reporting thread's may be small. */
        char *path = crace_alloc(JSON_PATH_MAX);
        crace_lock(&json_lock);
        pid_t pid = getpid();
        if (json_pid == pid || json_open(pid, path, JSON_PATH_MAX))
            output_write_fd(json_fd, buf, n);
        crace_unlock(&json_lock);
        crace_free(path);
    }
    crace_free(buf);
    crace_shim_leave(t);
    errno = saved;
}
