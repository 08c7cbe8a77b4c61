/*
 * run_summary.c: what `crace run` says at the end, from the files its
 * processes left: RUN.PID.jsonl, created by each process when it starts
 * (so the files count the processes that ran under the detector) and
 * holding its findings, and RUN.PID.process.json, written when it exits
 * normally, with the findings it suppressed and its suppression rules'
 * hits (a process killed or ended with _exit leaves none: its suppressed
 * findings go uncounted, never its reported ones), RUN.PID.instrumented,
 * made by a process that runs code built with `crace cc`, and
 * RUN.PID.unchecked, a JSON line per program the process started that
 * cannot load the detector (detector/unchecked.c). Processes COMMAND left
 * running come from run_descendants.c: crace waited for them before
 * reading, so their findings are in the files, up to where it stopped.
 */
#include "run_summary.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "findings.h"
#include "json.h"

/* A suppression rule, as the processes of the run used it. */
struct rule_use {
    char *file;
    long long line;
    char *rule;
    unsigned long long hits; /* over all processes */
};

/* A program that ran without the detector, listed once per file. */
struct unchecked_program {
    char *path;
    char *why;
};

struct run_totals {
    struct findings fs;
    struct unchecked_program *unchecked;
    size_t n_unchecked;
    size_t processes;
    size_t instrumented; /* processes that said they ran code built with crace cc */
    unsigned long long suppressed;
    struct rule_use *rules;
    size_t n_rules;
    bool report_unused; /* a process ran with report_unused_suppressions=1 */
};

static void add_rule_use(struct run_totals *t, const char *file, long long line, const char *rule,
                         long long hits)
{
    for (size_t i = 0; i < t->n_rules; i++) {
        struct rule_use *u = &t->rules[i];
        if (u->line == line && strcmp(u->file, file) == 0) {
            u->hits += (unsigned long long)hits;
            return;
        }
    }
    t->rules = crace_xrealloc(t->rules, (t->n_rules + 1) * sizeof *t->rules);
    t->rules[t->n_rules++] =
        (struct rule_use){crace_xstrdup(file), line, crace_xstrdup(rule), (unsigned long long)hits};
}

static void add_unchecked(struct run_totals *t, const char *path, const char *why)
{
    for (size_t i = 0; i < t->n_unchecked; i++)
        if (strcmp(t->unchecked[i].path, path) == 0)
            return;
    t->unchecked = crace_xrealloc(t->unchecked, (t->n_unchecked + 1) * sizeof *t->unchecked);
    t->unchecked[t->n_unchecked++] = (struct unchecked_program){crace_xstrdup(path), crace_xstrdup(why)};
}

/* Adds one process's unchecked programs, a record per line; a damaged
 * line is named and skipped. */
static void read_unchecked(struct run_totals *t, const char *path)
{
    size_t len;
    char *text = crace_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "crace run: %s: %s\n", path, strerror(errno));
        return;
    }
    size_t line = 0;
    for (char *p = text, *end; p < text + len; p = end + 1) {
        end = memchr(p, '\n', (size_t)(text + len - p));
        if (!end)
            end = text + len;
        line++;
        if (end == p)
            continue;
        struct json_error err;
        struct json *r = json_parse(p, (size_t)(end - p), &err);
        const char *program = json_get_str(r, "path"), *why = json_get_str(r, "message");
        if (program && why)
            add_unchecked(t, program, why);
        else
            fprintf(stderr, "crace run: %s:%zu: skipped: not a record of a program run unchecked\n",
                    path, line);
        json_free(r);
    }
    free(text);
}

/* Adds one process's end record; a damaged one is named and skipped. */
static void read_process_end(struct run_totals *t, const char *path)
{
    size_t len;
    char *text = crace_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "crace run: %s: %s\n", path, strerror(errno));
        return;
    }
    struct json_error err;
    struct json *r = json_parse(text, len, &err);
    free(text);
    long long n;
    if (!r || !json_int(json_get(r, "suppressed"), &n) || n < 0) {
        fprintf(stderr, "crace run: %s: skipped: not a process record\n", path);
        json_free(r);
        return;
    }
    t->suppressed += (unsigned long long)n;
    if (json_is(json_get(r, "report_unused_suppressions"), JSON_TRUE))
        t->report_unused = true;
    const struct json *rules = json_get(r, "suppressions");
    for (size_t i = 0; i < json_len(rules); i++) {
        const struct json *u = json_at(rules, i);
        const char *file = json_get_str(u, "file");
        const char *rule = json_get_str(u, "rule");
        long long line, hits;
        if (file && rule && json_int(json_get(u, "line"), &line) &&
            json_int(json_get(u, "hits"), &hits) && hits >= 0)
            add_rule_use(t, file, line, rule, hits);
    }
    json_free(r);
}

/* Reads this run's files in dir (name order does not matter: findings
 * are merged, counts summed). */
static bool read_run(struct run_totals *t, const char *dir, const char *run_id)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "crace run: report directory %s: %s\n", dir, strerror(errno));
        return false;
    }
    size_t idlen = strlen(run_id);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        if (strncmp(name, run_id, idlen) != 0 || name[idlen] != '.')
            continue;
        char *path = crace_xasprintf("%s/%s", dir, name);
        if (path_has_suffix(name, ".process.json")) {
            read_process_end(t, path);
        } else if (path_has_suffix(name, ".instrumented")) {
            t->instrumented++;
        } else if (path_has_suffix(name, ".unchecked")) {
            read_unchecked(t, path);
        } else if (path_has_suffix(name, ".jsonl")) {
            t->processes++;
            findings_read_path(&t->fs, path);
        }
        free(path);
    }
    closedir(d);
    return true;
}

/* s as a shell command line needs it, so that the suggested command can
 * be pasted: as is when it holds only characters plain in every shell
 * (letters, digits, _@%+=,./-), else in single quotes, a quote inside
 * written '\''. Anything else is quoted, needed or not (':', say): a
 * quote too many is harmless, one too few splits the path. The caller
 * frees the result. */
static char *shell_quote(const char *s)
{
    static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                               "_@%+=,./-";
    if (*s && s[strspn(s, safe)] == '\0')
        return crace_xstrdup(s);
    size_t quotes = 0;
    for (const char *p = s; *p; p++)
        quotes += *p == '\'';
    char *out = crace_xmalloc(strlen(s) + 3 * quotes + 3);
    char *o = out;
    *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

/* Said in the summary, after all the output of the run, where it cannot
 * scroll away unseen: the processes that warned as they started such a
 * program may have sent their warning to a test's log. */
static void print_unchecked(const struct run_totals *t)
{
    if (!t->n_unchecked)
        return;
    bool one = t->n_unchecked == 1;
    fprintf(stderr,
            "crace: warning: %zu program%s ran without the detector; %s races were not looked "
            "for:\n",
            t->n_unchecked, one ? "" : "s", one ? "its" : "their");
    for (size_t i = 0; i < t->n_unchecked; i++)
        fprintf(stderr, "crace:   %s: %s\n", t->unchecked[i].path, t->unchecked[i].why);
}

static void print_processes(const struct run_process *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "crace:   pid %d: %s%s\n", v[i].pid, v[i].command,
                v[i].sigkill ? " (outlived SIGTERM: SIGKILL)" : "");
}

/* The processes COMMAND left running that crace ended, or that still
 * run: what these find from now on reaches no summary and no status, and
 * their output goes on to a log that may be closed. Said in the summary,
 * last, for the reason print_unchecked gives. */
static void print_leftovers(const struct run_summary_input *in)
{
    const struct run_leftovers *l = in->leftovers;
    if (!l)
        return;
    if (l->interrupted)
        fprintf(stderr, "crace: interrupted by SIG%s while waiting for the processes %s left running\n",
                sigabbrev_np(l->interrupted) ? sigabbrev_np(l->interrupted) : "?", in->command);
    /* Tenths at most: "0.5 s", "5 s", as --wait-descendants is written. */
    char when[64];
    if (l->waited > 0)
        snprintf(when, sizeof when, "%g s after", (double)(long long)(l->waited * 10 + 0.5) / 10);
    else
        snprintf(when, sizeof when, "when");
    if (l->n_ended) {
        bool one = l->n_ended == 1;
        fprintf(stderr,
                "crace: warning: %zu process%s of the run %s still running %s %s ended; ended by "
                "--kill-descendants (SIGTERM):\n",
                l->n_ended, one ? "" : "es", one ? "was" : "were", when, in->command);
        print_processes(l->ended, l->n_ended);
    }
    if (l->unlisted) {
        fprintf(stderr,
                "crace: warning: processes of the run are still running %s %s ended (/proc cannot "
                "list them); what they find from now on is not counted\n",
                when, in->command);
    } else if (l->n_running) {
        bool one = l->n_running == 1;
        fprintf(stderr,
                "crace: warning: %zu process%s of the run %s still running %s %s ended%s; what %s "
                "from now on is not counted:\n",
                l->n_running, one ? "" : "es", one ? "is" : "are", when, in->command,
                l->end_them ? ", even after SIGKILL" : "", one ? "it finds" : "they find");
        print_processes(l->running, l->n_running);
    }
    if ((l->unlisted || l->n_running) && !l->end_them)
        fputs("crace: to count all they find, stop them where they were started (and wait for "
              "them), give them longer (--wait-descendants=SECONDS), or let crace end them "
              "(--kill-descendants)\n",
              stderr);
}

static void print_summary(const struct run_totals *t, const struct run_summary_input *in)
{
    /* The shell that started crace sees crace's status, not the signal:
     * it would not say "Segmentation fault", so this does (and after a
     * finding the status is 66: the crash would go unmentioned). */
    if (in->signal)
        fprintf(stderr, "crace: %s was killed by signal %d (SIG%s: %s)\n", in->command, in->signal,
                sigabbrev_np(in->signal) ? sigabbrev_np(in->signal) : "?", strsignal(in->signal));
    /* COMMAND failed before anything started under the detector (a bad
     * detector option, which the detector named): nothing to sum up. */
    if (t->processes == 0 && in->status != 0) {
        print_unchecked(t);
        print_leftovers(in);
        return;
    }
    fprintf(stderr, "crace: %zu process%s ran under the detector; ", t->processes,
            t->processes == 1 ? "" : "es");
    findings_print_counts(stderr, &t->fs);
    /* The processes printed "Found N data race(s)" per report; these are
     * distinct findings (by dedup_key): both numbers, when they differ,
     * or they read as a contradiction. */
    unsigned long long reports = 0;
    for (size_t i = 0; i < t->fs.n; i++)
        reports += t->fs.v[i].occurrences;
    if (reports > t->fs.n)
        fprintf(stderr, " in %llu reports", reports);
    if (t->suppressed)
        fprintf(stderr, "; %llu suppressed", t->suppressed);
    fputc('\n', stderr);
    for (size_t i = 0; t->report_unused && i < t->n_rules; i++)
        if (!t->rules[i].hits)
            fprintf(stderr, "crace: suppression %s:%lld matched nothing in the run: %s\n", t->rules[i].file,
                    t->rules[i].line, t->rules[i].rule);
    print_unchecked(t);
    if (t->processes == 0 && in->status == 0)
        fputs(in->command_unchecked
                  ? "crace: warning: no process ran under the detector: nothing was checked\n"
                  : "crace: warning: no process ran under the detector: COMMAND did not load it "
                    "(statically linked, 32-bit, set-id, or a loader that ignores LD_PRELOAD); "
                    "nothing was checked\n",
              stderr);
    else if (t->processes > 0 && t->instrumented == 0)
        fputs("crace: warning: no process ran code built with `crace cc`: the programs' own "
              "memory accesses were not checked, only those of the libc calls crace intercepts "
              "(races elsewhere go unseen; deadlocks, leaks and misuse were checked); build the "
              "program with `crace cc`, or CC='crace cc' make\n",
              stderr);
    print_leftovers(in);
    if (t->processes > 0 || in->status != 0) {
        char *quoted = shell_quote(in->shown_dir);
        fprintf(stderr, "crace: reports in %s (`crace report %s%s` merges them)\n", in->shown_dir,
                in->shown_dir[0] == '-' ? "-- " : "", quoted);
        free(quoted);
    }
}

int run_summary(const struct run_summary_input *in)
{
    struct run_totals t = {0};
    if (in->command_unchecked)
        add_unchecked(&t, in->command_unchecked, in->command_unchecked_why);
    bool read = read_run(&t, in->dir, in->run_id);
    if (!in->quiet && read)
        print_summary(&t, in);
    int status = in->status;
    /* Findings override COMMAND's status, failing or not; but exitcode=0
     * means "findings do not fail the run", not "the run passes": a
     * COMMAND that failed (or was killed) keeps its status. */
    if (t.fs.n && (in->exitcode != 0 || status == 0))
        status = (int)in->exitcode;
    else if (status == 0 && (!read || t.processes == 0))
        status = CRACE_EXIT_USAGE;
    /* A run that would pass, cut short while it waited for what COMMAND
     * left running, does not pass: ^C or a CI runner's timeout stopped it
     * before all was counted, and a shell loop over crace runs must see
     * the interrupt (128+N, as for a COMMAND killed by N). */
    if (status == 0 && in->leftovers && in->leftovers->interrupted)
        status = 128 + in->leftovers->interrupted;
    /* Programs run unchecked beside checked ones leave the status alone:
     * test suites call static tools (Go's, busybox) and setuid ones
     * (sudo) whose races are not theirs to find, and failing every such
     * run would teach users to ignore the gate. The summary names them,
     * last, where a reader of the log looks. */
    for (size_t i = 0; i < t.n_rules; i++) {
        free(t.rules[i].file);
        free(t.rules[i].rule);
    }
    free(t.rules);
    for (size_t i = 0; i < t.n_unchecked; i++) {
        free(t.unchecked[i].path);
        free(t.unchecked[i].why);
    }
    free(t.unchecked);
    findings_free(&t.fs);
    return status;
}
