/*
 * unchecked.c: a program that a process under the detector starts, and
 * that cannot load the detector (exec_target.h: statically linked,
 * 32-bit, set-id), runs unchecked: its races are not looked for. Saying
 * nothing would let `crace run` report "no findings" as if it had been
 * checked, so each one is
 *   - said on the report stream, once per file in this process:
 *       crace: warning: ./prog runs without the detector: statically
 *       linked (LD_PRELOAD cannot load into it); build it dynamically to
 *       check it
 *   - and, when json_path is set (under crace run), appended as a JSON
 *     line to PREFIX.PID.unchecked, which crace run's summary reads
 *     (run_summary.c): the text may go where the program points its
 *     stderr, a test harness's log, and the exec ends this process
 *     before anything else could tell.
 *
 * Called before the exec, from a process that may be a vfork child: no
 * allocation from the program's heap (an anonymous mapping instead), raw
 * system calls for the file, errno left as it was.
 */
#include "unchecked.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec_target.h"
#include "options.h"
#include "report_json.h"
#include "rt.h"
#include "textbuf.h"

/*
 * The files said already, by a hash of their absolute path (0: a free
 * slot), filled with compare-and-swap by any thread. A full table says
 * every later file each time: a repeat is better than a silence.
 */
enum { SEEN_SLOTS = 256 };
static _Atomic uint64_t seen[SEEN_SLOTS];

static uint64_t path_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h ? h : 1;
}

static bool first_time(const char *abs)
{
    uint64_t h = path_hash(abs);
    for (unsigned i = 0; i < SEEN_SLOTS; i++) {
        _Atomic uint64_t *slot = &seen[(h + i) % SEEN_SLOTS];
        uint64_t v = atomic_load_explicit(slot, memory_order_relaxed);
        if (v == 0 && atomic_compare_exchange_strong(slot, &v, h))
            return true;
        if (v == h)
            return false;
    }
    return true;
}

/* The directory a relative path is taken from (dirfd as execveat takes
 * it) into buf; false when it cannot be told. */
static bool base_dir(int dirfd, char *buf, size_t cap)
{
    if (dirfd == AT_FDCWD) {
        long n = syscall(SYS_getcwd, buf, cap);
        return n > 0;
    }
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
    long n = syscall(SYS_readlinkat, AT_FDCWD, link, buf, cap - 1);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return true;
}

/* path made absolute, for the record and the summary (the run's
 * processes start from many directories); "./" prefixes dropped. */
static void absolute(int dirfd, const char *path, int at_flags, char *buf, size_t cap)
{
    if (path[0] == '/') {
        snprintf(buf, cap, "%s", path);
        return;
    }
    if ((at_flags & AT_EMPTY_PATH) && path[0] == '\0') {
        if (!base_dir(dirfd, buf, cap))
            snprintf(buf, cap, "/proc/self/fd/%d", dirfd);
        return;
    }
    while (path[0] == '.' && path[1] == '/') {
        path += 2;
        while (*path == '/')
            path++;
    }
    char dir[PATH_MAX];
    int n = -1;
    if (base_dir(dirfd, dir, sizeof(dir)))
        n = snprintf(buf, cap, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", path);
    if (n < 0 || (size_t)n >= cap)
        snprintf(buf, cap, "%s", path); /* too long to tell whole: as named */
}

/* Appends the record to PREFIX.PID.unchecked, one write(2) of a whole
 * line on an O_APPEND file: a reader sees it whole or not at all. */
static void record(const char *abs, const char *interp, enum exec_reason why, const char *message,
                   char *buf, size_t cap)
{
    if (!crace_opts.json_path || !crace_opts.json_path[0])
        return;
    struct sbuf b = {buf, cap, 0};
    buf[0] = '\0';
    sb_printf(&b, "{\"schema\":\"crace-unchecked/1\",\"path\":");
    json_put_string(&b, abs, strlen(abs));
    sb_printf(&b, ",\"interpreter\":");
    if (interp[0])
        json_put_string(&b, interp, strlen(interp));
    else
        sb_printf(&b, "null");
    sb_printf(&b, ",\"reason\":\"%s\",\"message\":", exec_reason_key(why));
    json_put_string(&b, message, strlen(message));
    sb_printf(&b, ",\"pid\":%d}\n", (int)getpid());
    if (b.len + 1 >= b.cap)
        return; /* cut short: it would read as damaged */
    char path[PATH_MAX];
    int n = snprintf(path, sizeof(path), "%s.%d.unchecked", crace_opts.json_path, (int)getpid());
    if (n <= 0 || (size_t)n >= sizeof(path))
        return;
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_APPEND | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
        return; /* the report directory is gone: nobody is left to read it */
    output_write_fd((int)fd, buf, b.len);
    syscall(SYS_close, fd);
}

/* The warning's and the record's text, with the absolute path and the
 * record's buffer: one mapping, no heap. */
enum { ABS_MAX = PATH_MAX, MESSAGE_MAX = PATH_MAX + 512, RECORD_MAX = 4 * PATH_MAX + 1024 };
struct unchecked_text {
    char abs[ABS_MAX];
    char message[MESSAGE_MAX];
    char record[RECORD_MAX];
};

static void note(int dirfd, const char *path, int at_flags, const char *interp,
                 enum exec_reason why)
{
    void *map = (void *)syscall(SYS_mmap, NULL, sizeof(struct unchecked_text),
                                PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
    if (map == MAP_FAILED)
        return;
    struct unchecked_text *t = map;
    absolute(dirfd, path, at_flags, t->abs, sizeof(t->abs));
    if (first_time(t->abs)) {
        exec_reason_message(why, interp, t->message, sizeof(t->message));
        /* As the program named it, which its author knows; a descriptor
         * (fexecve) by the file it names. */
        const char *shown = path[0] ? path : t->abs;
        crace_printf("crace: warning: %s runs without the detector: %s\n", shown, t->message);
        record(t->abs, interp, why, t->message, t->record, sizeof(t->record));
    }
    syscall(SYS_munmap, map, sizeof(struct unchecked_text));
}

/* A dynamic loader asked a question runs no program: ldd runs every
 * loader it knows, 32-bit ones included, as `LOADER --version` and
 * `LOADER --verify FILE`, and goes on with the one that takes the file.
 * Loaders are told by their names (ld-linux-x86-64.so.2, ld-linux.so.2,
 * ld64.so.1, ld.so.1); each of these options ends the loader. */
static bool runs_nothing(const char *path, char *const argv[])
{
    static const char *const questions[] = {"--verify", "--version", "--help", "--list",
                                            "--list-tunables", "--list-diagnostics"};
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (strncmp(name, "ld-", 3) != 0 && strncmp(name, "ld.so", 5) != 0 &&
        strncmp(name, "ld64.so", 7) != 0)
        return false;
    if (!argv || !argv[0] || !argv[1])
        return false;
    for (size_t i = 0; i < sizeof(questions) / sizeof(questions[0]); i++)
        if (strcmp(argv[1], questions[i]) == 0)
            return true;
    return false;
}

void unchecked_check(int dirfd, const char *path, int at_flags, char *const argv[])
{
    if (!path || runs_nothing(path, argv))
        return;
    int saved = errno;
    char interp[PATH_MAX];
    enum exec_reason why = exec_target_classify(dirfd, path, at_flags, interp, sizeof(interp));
    if (why != EXEC_CHECKED)
        note(dirfd, path, at_flags, interp, why);
    errno = saved;
}

void unchecked_check_search(const char *file, char *const argv[])
{
    if (!file)
        return;
    int saved = errno;
    char path[PATH_MAX];
    if (exec_target_search(file, getenv("PATH"), path, sizeof(path)))
        unchecked_check(AT_FDCWD, path, 0, argv);
    errno = saved;
}
