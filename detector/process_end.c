/*
 * process_end.c: PREFIX.PID.process.json, what a process leaves beside
 * its findings (PREFIX.PID.jsonl) when json_path is set and it ends: its
 * exit status, what it reported and what it suppressed, each suppression
 * rule's hits. `crace run` sums these for its summary (docs/ci.md); the
 * findings themselves are never here, so a process that dies without
 * writing this file loses no finding, only the suppression counts.
 *
 * Written once per process, whole, with one write(2) to a new file: a
 * reader sees a complete record or a file it skips as damaged.
 */
#include "process_end.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "options.h"
#include "report.h"
#include "report_json.h"
#include "rt.h"
#include "suppress.h"
#include "textbuf.h"
#include "thread.h"

static const char *const kind_json[] = {
#define REPORT_X(name, json, title) [REPORT_##name] = json,
    REPORT_KINDS(REPORT_X)
#undef REPORT_X
};

struct rules_out {
    struct sbuf *b;
    bool first;
};

static void put_rule(const char *file, unsigned line, const char *rule, uint64_t hits, void *arg)
{
    struct rules_out *o = arg;
    sb_printf(o->b, "%s{\"file\":", o->first ? "" : ",");
    json_put_string(o->b, file, strlen(file));
    sb_printf(o->b, ",\"line\":%u,\"rule\":", line);
    json_put_string(o->b, rule, strlen(rule));
    sb_printf(o->b, ",\"hits\":%llu}", (unsigned long long)hits);
    o->first = false;
}

static void write_file(const char *path, const char *buf, size_t len)
{
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
        return; /* the directory is gone: nothing left to tell */
    output_write_fd((int)fd, buf, len);
    syscall(SYS_close, fd);
}

enum { PROCESS_END_BUF = 64 * 1024 };

void process_end_write(int status)
{
    if (!crace_opts.json_path || !crace_opts.json_path[0])
        return;
    /* Once per process; a forked child has its own copy of the flag,
     * still false when the fork happened before the parent's end. */
    static _Atomic int written_by;
    int pid = (int)getpid();
    if (atomic_exchange(&written_by, pid) == pid)
        return;
    int saved = errno;
    crace_thread *t = crace_shim_enter();
    char *buf = crace_alloc(PROCESS_END_BUF);
    struct sbuf b = {buf, PROCESS_END_BUF, 0};
    buf[0] = '\0';
    sb_printf(&b, "{\"schema\":\"crace-process/1\",");
    report_json_put_process(&b);
    sb_printf(&b, ",\"status\":%d,\"findings\":{", status);
    for (int k = 0; k < REPORT_KIND_COUNT; k++)
        sb_printf(&b, "%s\"%s\":%llu", k ? "," : "", kind_json[k],
                  (unsigned long long)report_count((enum report_kind)k));
    sb_printf(&b, "},\"suppressed\":%llu,\"report_unused_suppressions\":%s,\"suppressions\":[",
              (unsigned long long)suppress_count(),
              crace_opts.report_unused_suppressions ? "true" : "false");
    struct rules_out o = {&b, true};
    suppress_foreach(put_rule, &o);
    sb_printf(&b, "]}\n");
    /* A record cut short by the buffer would be damaged: none then. */
    if (b.len + 1 < b.cap) {
        char path[4096];
        int n = snprintf(path, sizeof(path), "%s.%d.process.json", crace_opts.json_path, pid);
        if (n > 0 && (size_t)n < sizeof(path))
            write_file(path, buf, b.len);
    }
    crace_free(buf);
    crace_shim_leave(t);
    errno = saved;
}

void process_mark_instrumented(void)
{
    if (!crace_opts.json_path || !crace_opts.json_path[0])
        return;
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s.%d.instrumented", crace_opts.json_path, (int)getpid());
    if (n > 0 && (size_t)n < sizeof(path))
        write_file(path, "", 0);
}
