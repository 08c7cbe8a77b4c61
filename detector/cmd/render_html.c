/*
 * render_html.c: one self-contained HTML page (inline CSS and script, no
 * network, no external file) to read the findings of a run in a browser.
 *
 * Findings are grouped by kind, with counts; check boxes filter by kind
 * and a text box by file (any frame's file containing the text). Each
 * finding shows its stacks two by two, side by side: for a data race the
 * current and the previous access first, the location and goroutine
 * creation stacks folded below. Under each frame whose source file can be
 * read now, the lines around it with its own line highlighted; a missing
 * source is simply not shown. The page works without script too: then
 * every finding is shown. A link can preselect the filters:
 * report.html#file=worker.c&kind=data_race,deadlock.
 *
 * Everything that comes from a record or a source file goes through
 * write_xml_text / write_xml_attr: a record cannot inject markup.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "render.h"

/* Source lines shown before and after a frame's own line. */
enum { HTML_CONTEXT_LINES = 2 };
/* Sources larger than this are not read (generated code, amalgamations). */
enum { HTML_MAX_SOURCE_BYTES = 16 << 20 };

#define OUT(s) fputs(s, out)

/* ------------------------------------------------ source files */

struct source {
    char *path; /* as the frame names it */
    char *data; /* NULL: unreadable */
    char **line; /* line[i] is line i+1, NUL-terminated in data */
    size_t n;
};

struct sources {
    struct source *v;
    size_t n;
};

static void load_source(struct source *s)
{
    struct stat st;
    FILE *in = fopen(s->path, "r");
    if (!in)
        return;
    if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > HTML_MAX_SOURCE_BYTES) {
        fclose(in);
        return;
    }
    size_t size = (size_t)st.st_size;
    s->data = crace_xmalloc(size + 1);
    size_t got = fread(s->data, 1, size, in);
    fclose(in);
    s->data[got] = '\0';
    size_t cap = 0;
    for (char *p = s->data; p < s->data + got;) {
        if (s->n == cap) {
            cap = cap ? 2 * cap : 256;
            s->line = crace_xrealloc(s->line, cap * sizeof *s->line);
        }
        s->line[s->n++] = p;
        char *nl = memchr(p, '\n', (size_t)(s->data + got - p));
        if (!nl)
            break;
        *nl = '\0';
        if (nl > p && nl[-1] == '\r')
            nl[-1] = '\0';
        p = nl + 1;
    }
}

static const struct source *source_get(struct sources *ss, const char *path)
{
    for (size_t i = 0; i < ss->n; i++)
        if (strcmp(ss->v[i].path, path) == 0)
            return &ss->v[i];
    ss->v = crace_xrealloc(ss->v, (ss->n + 1) * sizeof *ss->v);
    struct source *s = &ss->v[ss->n++];
    *s = (struct source){.path = crace_xstrdup(path)};
    load_source(s);
    return s;
}

static void sources_free(struct sources *ss)
{
    for (size_t i = 0; i < ss->n; i++) {
        free(ss->v[i].path);
        free(ss->v[i].data);
        free(ss->v[i].line);
    }
    free(ss->v);
}

/* ------------------------------------------------ frames and stacks */

static void write_snippet(FILE *out, struct sources *ss, const char *file, long long line)
{
    const struct source *s = source_get(ss, file);
    if (!s->data || line < 1 || (size_t)line > s->n)
        return;
    long long from = line - HTML_CONTEXT_LINES < 1 ? 1 : line - HTML_CONTEXT_LINES;
    long long to = line + HTML_CONTEXT_LINES > (long long)s->n ? (long long)s->n
                                                               : line + HTML_CONTEXT_LINES;
    OUT("<pre class=\"src\">");
    for (long long i = from; i <= to; i++) {
        fprintf(out, "<span class=\"l%s\"><span class=\"n\">%lld</span>", i == line ? " hit" : "",
                i);
        write_xml_text(out, s->line[i - 1]);
        OUT("</span>");
    }
    OUT("</pre>");
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void write_frame(FILE *out, struct sources *ss, const struct json *fr)
{
    const char *fn = frame_function(fr);
    const char *file = frame_file(fr);
    OUT("<li class=\"frame\"><div class=\"fh\"><code class=\"fn\">");
    write_xml_text(out, fn ? fn : "??");
    OUT("()</code>");
    if (json_is(json_get(fr, "inlined"), JSON_TRUE))
        OUT(" <span class=\"tag\">inlined</span>");
    OUT(" <span class=\"loc\">");
    if (file) {
        char *shown = path_display(file);
        write_xml_text(out, shown);
        free(shown);
        long long line = frame_line(fr), col = frame_column(fr);
        if (line)
            fprintf(out, ":%lld", line);
        if (line && col)
            fprintf(out, ":%lld", col);
    } else {
        const char *module = json_get_str(fr, "module");
        const char *pc = json_get_str(fr, "pc");
        write_xml_text(out, module ? base_name(module) : "?");
        if (pc) {
            OUT(" ");
            write_xml_text(out, pc);
        }
    }
    OUT("</span></div>");
    if (file && frame_line(fr))
        write_snippet(out, ss, file, frame_line(fr));
    OUT("</li>\n");
}

static void write_stack(FILE *out, struct sources *ss, const struct json *stack)
{
    const char *title = json_get_str(stack, "title");
    const struct json *frames = json_get(stack, "frames");
    OUT("<div class=\"stack\"><h4>");
    write_xml_text(out, title ? title : "Stack");
    OUT("</h4>");
    if (json_is(frames, JSON_ARRAY) && json_len(frames) > 0) {
        OUT("<ol class=\"frames\">\n");
        for (size_t i = 0; i < json_len(frames); i++)
            write_frame(out, ss, json_at(frames, i));
        OUT("</ol>");
    } else {
        OUT("<p class=\"nostack\">[failed to restore the stack]</p>");
    }
    OUT("</div>\n");
}

/* stacks[from..to) of a record, two by two. */
static void write_stacks(FILE *out, struct sources *ss, const struct json *stacks, size_t from,
                         size_t to)
{
    OUT("<div class=\"stacks\">\n");
    for (size_t i = from; i < to; i++)
        write_stack(out, ss, json_at(stacks, i));
    OUT("</div>\n");
}

/* ------------------------------------------------ a finding */

/* Every file a finding's frames name, one per line, for the file filter. */
static void write_files_attr(FILE *out, const struct json *record)
{
    const struct json *stacks = json_get(record, "stacks");
    const char **seen = NULL;
    size_t n = 0;
    for (size_t i = 0; i < json_len(stacks); i++) {
        const struct json *frames = json_get(json_at(stacks, i), "frames");
        for (size_t j = 0; j < json_len(frames); j++) {
            const char *file = frame_file(json_at(frames, j));
            bool dup = !file;
            for (size_t k = 0; k < n && !dup; k++)
                dup = strcmp(seen[k], file) == 0;
            if (dup)
                continue;
            seen = crace_xrealloc(seen, (n + 1) * sizeof *seen);
            seen[n++] = file;
            char *shown = path_display(file);
            if (n > 1)
                OUT("&#10;");
            write_xml_attr(out, shown);
            free(shown);
        }
    }
    free(seen);
}

/* The location of a race's address, in the words of the text report. */
static void write_location_line(FILE *out, const struct json *loc)
{
    const char *kind = json_get_str(loc, "kind");
    if (!kind)
        return;
    const char *addr = json_get_str(loc, "address");
    const char *name = json_get_str(loc, "name");
    long long size = 0, g = 0;
    bool has_size = json_int(json_get(loc, "size"), &size);
    bool has_g = json_int(json_get(loc, "goroutine"), &g);
    bool heap = strcmp(kind, "heap") == 0;
    OUT("<p class=\"meta\">Location: ");
    long long fd;
    if (strcmp(kind, "fd") == 0 && json_int(json_get(loc, "fd"), &fd)) {
        fprintf(out, "file descriptor %lld", fd);
        if (has_g && g == 1)
            OUT(" created by main goroutine");
        else if (has_g)
            fprintf(out, " created by goroutine %lld", g);
        OUT("</p>\n");
        return;
    }
    if (heap)
        OUT("heap block");
    else if (strcmp(kind, "tls") == 0)
        OUT("thread-local storage");
    else
        write_xml_text(out, kind);
    if (name) {
        OUT(" '");
        write_xml_text(out, name);
        OUT("'");
    }
    if (has_size)
        fprintf(out, " of size %lld", size);
    if (addr) {
        OUT(" at ");
        write_xml_text(out, addr);
    }
    if (has_g && g == 1)
        fprintf(out, heap ? " allocated by main goroutine" : " of main goroutine");
    else if (has_g)
        fprintf(out, heap ? " allocated by goroutine %lld" : " of goroutine %lld", g);
    if (json_is(json_get(loc, "freed"), JSON_TRUE))
        OUT(", freed");
    OUT("</p>\n");
}

static void write_finding(FILE *out, struct sources *ss, const struct finding *f, size_t index)
{
    const struct json *r = f->record;
    fprintf(out, "<article class=\"finding\" id=\"f%zu\" data-kind=\"", index + 1);
    write_xml_attr(out, f->kind_name);
    OUT("\" data-files=\"");
    write_files_attr(out, r);
    OUT("\">\n<h3>");
    write_xml_text(out, f->message);
    OUT("</h3>\n<p class=\"meta\">");
    char *exe = path_display(f->procs[0].executable);
    write_xml_text(out, exe);
    free(exe);
    fprintf(out, " &middot; pid %lld", f->procs[0].pid);
    const char *time = json_get_str(r, "time");
    if (time) {
        OUT(" &middot; ");
        write_xml_text(out, time);
    }
    if (f->occurrences > 1 || f->n_procs > 1) {
        fprintf(out, " &middot; <strong>seen %llu time%s in %zu process%s</strong> (pid", f->occurrences,
                f->occurrences == 1 ? "" : "s", f->n_procs, f->n_procs == 1 ? "" : "es");
        for (size_t i = 0; i < f->n_procs; i++)
            fprintf(out, "%s %lld", i ? "," : "", f->procs[i].pid);
        OUT(")");
    }
    OUT("</p>\n");
    write_location_line(out, json_get(r, "location"));

    const struct json *stacks = json_get(r, "stacks");
    size_t n = json_len(stacks);
    if (report_kind_is_access_pair(f->kind) && n > 2) {
        write_stacks(out, ss, stacks, 0, 2);
        fprintf(out, "<details><summary>Location and goroutines (%zu more stack%s)</summary>\n",
                n - 2, n - 2 == 1 ? "" : "s");
        write_stacks(out, ss, stacks, 2, n);
        OUT("</details>\n");
    } else if (n > 0) {
        write_stacks(out, ss, stacks, 0, n);
    }
    OUT("<details><summary>Report as printed</summary><pre class=\"text\">");
    write_xml_text(out, f->text);
    OUT("</pre></details>\n</article>\n");
}

/* ------------------------------------------------ the page */

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>crace report</title>\n<style>\n"
    ":root{--error:#c62828;--warning:#a15c00;--ink:#1d2330;--muted:#5d6677;--line:#dde1e8}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:var(--ink);background:#f3f5f8}\n"
    "header{background:#1d2330;color:#fff;padding:14px 24px}\n"
    "header h1{margin:0;font-size:20px;letter-spacing:.3px}\n"
    "header p{margin:4px 0 0;color:#c9d1de}\n"
    "nav{position:sticky;top:0;z-index:1;background:#fff;border-bottom:1px solid var(--line);"
    "padding:10px 24px;display:flex;flex-wrap:wrap;gap:10px 18px;align-items:center}\n"
    "nav label.kind{display:inline-flex;align-items:center;gap:6px;padding:3px 10px;"
    "border:1px solid var(--line);border-radius:14px;cursor:pointer;user-select:none}\n"
    "nav label.kind.error{border-color:#f0b7b7}nav label.kind.warning{border-color:#efd29c}\n"
    "nav input[type=search]{width:280px;padding:5px 8px;border:1px solid #b9c0cc;border-radius:4px;"
    "font:inherit}\n"
    "#shown{color:var(--muted);margin-left:auto}\n"
    "main{padding:8px 24px 40px}\n"
    "section>h2{font-size:16px;margin:22px 0 10px;padding-left:10px;border-left:5px solid}\n"
    "section.error>h2{border-color:var(--error);color:var(--error)}\n"
    "section.warning>h2{border-color:var(--warning);color:var(--warning)}\n"
    ".count{display:inline-block;min-width:20px;padding:0 6px;border-radius:10px;background:#e8ebf0;"
    "color:var(--ink);font-size:12px;text-align:center}\n"
    "article{background:#fff;border:1px solid var(--line);border-radius:6px;"
    "box-shadow:0 1px 2px rgba(0,0,0,.05);padding:12px 16px;margin:0 0 14px}\n"
    "article h3{margin:0 0 4px;font-size:15px}\n"
    ".meta{margin:2px 0;color:var(--muted);font-size:13px;overflow-wrap:anywhere}\n"
    ".stacks{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px;margin:10px 0}\n"
    ".stack{border:1px solid var(--line);border-radius:5px;padding:8px 10px;background:#fbfcfd;"
    "min-width:0}\n"
    ".stack h4{margin:0 0 6px;font-size:13px}\n"
    "ol.frames{margin:0;padding:0;list-style:none}\n"
    "li.frame{margin:0 0 6px}\n"
    ".fh{font-size:13px;overflow-wrap:anywhere}\n"
    ".fn{font-weight:600}.loc{color:var(--muted);font-family:ui-monospace,monospace;font-size:12px}\n"
    ".tag{font-size:11px;padding:0 5px;border-radius:3px;background:#e8ebf0;color:var(--muted)}\n"
    "pre{margin:3px 0 0;font:12px/1.4 ui-monospace,'DejaVu Sans Mono',monospace;tab-size:4}\n"
    "pre.src{background:#f5f6f8;border:1px solid #e6e9ee;border-radius:4px;padding:3px 0;"
    "overflow-x:auto}\n"
    "pre.src .l{display:block;padding:0 8px;white-space:pre}\n"
    "pre.src .hit{background:#fff1b8;box-shadow:inset 3px 0 #e0a800}\n"
    "pre.src .n{display:inline-block;width:4em;color:#98a0ad;text-align:right;margin-right:12px;"
    "user-select:none}\n"
    ".nostack{color:var(--muted);font-style:italic;margin:0}\n"
    "details{margin:6px 0 0}summary{cursor:pointer;color:var(--muted)}\n"
    "pre.text{background:#1d2330;color:#e7ebf2;padding:8px 10px;border-radius:4px;overflow-x:auto}\n"
    ".empty{font-size:15px;color:var(--muted)}\n"
    "@media (max-width:900px){.stacks{grid-template-columns:minmax(0,1fr)}}\n"
    "</style>\n</head>\n<body>\n";

static const char page_script[] =
    "<script>\n"
    "(function () {\n"
    "  var boxes = document.querySelectorAll('nav input[data-kind]');\n"
    "  var file = document.getElementById('file-filter');\n"
    "  var shown = document.getElementById('shown');\n"
    "  function apply() {\n"
    "    var on = {}, q = file ? file.value.trim().toLowerCase() : '', n = 0, total = 0;\n"
    "    boxes.forEach(function (b) { on[b.getAttribute('data-kind')] = b.checked; });\n"
    "    document.querySelectorAll('article.finding').forEach(function (a) {\n"
    "      var files = (a.getAttribute('data-files') || '').toLowerCase();\n"
    "      var ok = on[a.getAttribute('data-kind')] !== false && (!q || files.indexOf(q) >= 0);\n"
    "      a.hidden = !ok; total++; if (ok) n++;\n"
    "    });\n"
    "    document.querySelectorAll('main section').forEach(function (s) {\n"
    "      s.hidden = !s.querySelector('article.finding:not([hidden])');\n"
    "    });\n"
    "    if (shown) shown.textContent = n + ' of ' + total + ' shown';\n"
    "  }\n"
    "  /* #file=TEXT&kind=a,b preselects the filters: a link can show a view. */\n"
    "  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {\n"
    "    var i = kv.indexOf('='), k = kv.slice(0, i), v = decodeURIComponent(kv.slice(i + 1));\n"
    "    if (i < 0) return;\n"
    "    if (k === 'file' && file) file.value = v;\n"
    "    if (k === 'kind') boxes.forEach(function (b) {\n"
    "      b.checked = v.split(',').indexOf(b.getAttribute('data-kind')) >= 0;\n"
    "    });\n"
    "  });\n"
    "  boxes.forEach(function (b) { b.addEventListener('change', apply); });\n"
    "  if (file) file.addEventListener('input', apply);\n"
    "  apply();\n"
    "})();\n"
    "</script>\n";

/* Distinct processes over all findings. */
static size_t count_processes(const struct findings *fs)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        for (size_t j = 0; j < fs->v[i].n_procs; j++) {
            const struct finding_process *p = &fs->v[i].procs[j];
            bool seen = false;
            for (size_t a = 0; a <= i && !seen; a++)
                for (size_t b = 0; b < (a == i ? j : fs->v[a].n_procs) && !seen; b++)
                    seen = fs->v[a].procs[b].pid == p->pid &&
                           strcmp(fs->v[a].procs[b].executable, p->executable) == 0;
            n += !seen;
        }
    }
    return n;
}

/* The kinds present, in REPORT_KINDS order then unknown ones as first
 * read: out[i] is the index of a finding of the i-th kind. */
static size_t kinds_present(const struct findings *fs, size_t *out)
{
    size_t n = 0;
    for (int k = 0; k <= REPORT_KIND_COUNT; k++) {
        for (size_t i = 0; i < fs->n; i++) {
            if (fs->v[i].kind != (enum report_kind)k)
                continue;
            bool seen = false;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(fs->v[out[j]].kind_name, fs->v[i].kind_name) == 0;
            if (!seen)
                out[n++] = i;
            if (k < REPORT_KIND_COUNT)
                break; /* one entry per known kind */
        }
    }
    return n;
}

/* A kind's heading: REPORT_KINDS' title for the kinds crace knows (a
 * record's title may be more precise, "MISUSE OF MUTEX"), the record's for
 * others. */
static const char *kind_heading(const struct finding *f)
{
    return f->kind != REPORT_KIND_COUNT ? finding_kind_title(f->kind) : f->title;
}

static size_t count_kind(const struct findings *fs, const char *kind_name)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += strcmp(fs->v[i].kind_name, kind_name) == 0;
    return n;
}

void render_html(FILE *out, const struct findings *fs)
{
    OUT(page_head);
    fprintf(out,
            "<header><h1>crace report</h1><p>%zu finding%s from %zu process%s &middot; "
            "%zu record%s read from %zu file%s",
            fs->n, fs->n == 1 ? "" : "s", count_processes(fs),
            count_processes(fs) == 1 ? "" : "es", fs->records, fs->records == 1 ? "" : "s",
            fs->files, fs->files == 1 ? "" : "s");
    if (fs->skipped)
        fprintf(out, " &middot; %zu damaged line%s skipped", fs->skipped,
                fs->skipped == 1 ? "" : "s");
    OUT("</p></header>\n");

    size_t *kinds = crace_xmalloc((fs->n + 1) * sizeof *kinds);
    size_t n_kinds = kinds_present(fs, kinds);
    if (fs->n == 0) {
        OUT("<main><p class=\"empty\">No findings: no data race, deadlock, leak, misuse or "
            "panic was reported.</p></main>\n</body>\n</html>\n");
        free(kinds);
        return;
    }

    OUT("<nav aria-label=\"Filters\">\n");
    for (size_t i = 0; i < n_kinds; i++) {
        const struct finding *f = &fs->v[kinds[i]];
        fprintf(out, "<label class=\"kind %s\"><input type=\"checkbox\" checked data-kind=\"",
                finding_kind_level(f->kind));
        write_xml_attr(out, f->kind_name);
        OUT("\">");
        write_xml_text(out, kind_heading(f));
        fprintf(out, " <span class=\"count\">%zu</span></label>\n", count_kind(fs, f->kind_name));
    }
    OUT("<label>File <input type=\"search\" id=\"file-filter\" "
        "placeholder=\"part of a file name, e.g. worker.c\"></label>\n"
        "<span id=\"shown\"></span>\n</nav>\n<main>\n");

    struct sources ss = {0};
    for (size_t i = 0; i < n_kinds; i++) {
        const struct finding *first = &fs->v[kinds[i]];
        fprintf(out, "<section class=\"%s\" data-kind=\"", finding_kind_level(first->kind));
        write_xml_attr(out, first->kind_name);
        OUT("\"><h2>");
        write_xml_text(out, kind_heading(first));
        fprintf(out, " <span class=\"count\">%zu</span></h2>\n",
                count_kind(fs, first->kind_name));
        for (size_t j = 0; j < fs->n; j++)
            if (strcmp(fs->v[j].kind_name, first->kind_name) == 0)
                write_finding(out, &ss, &fs->v[j], j);
        OUT("</section>\n");
    }
    sources_free(&ss);
    free(kinds);
    OUT("</main>\n");
    OUT(page_script);
    OUT("</body>\n</html>\n");
}
