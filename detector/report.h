/*
 * report.h: a finding, built as data first and rendered afterwards (text
 * in Go's layout now; JSON, SARIF... from the same data).
 */
#ifndef CRACE_REPORT_H
#define CRACE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stackdepot.h"

/* X(name, json name, title after "WARNING: ") */
#define REPORT_KINDS(X)                                              \
    X(DATA_RACE, "data_race", "DATA RACE")                          \
    X(HEAP_USE_AFTER_FREE, "heap_use_after_free", "HEAP USE AFTER FREE") \
    X(POTENTIAL_DEADLOCK, "potential_deadlock", "POTENTIAL DEADLOCK") \
    X(DEADLOCK, "deadlock", "DEADLOCK")                             \
    X(GOROUTINE_LEAK, "goroutine_leak", "GOROUTINE LEAK")           \
    X(MISUSE, "misuse", "MISUSE")                                   \
    X(BUSY_SELECT, "busy_select", "BUSY SELECT LOOP")               \
    X(PANIC, "panic", "PANIC")

enum report_kind {
#define REPORT_X(name, json, title) REPORT_##name,
    REPORT_KINDS(REPORT_X)
#undef REPORT_X
    REPORT_KIND_COUNT
};

/* Kinds made of two accesses to one place (a data race, a use after
 * free): accesses and a location in every format. */
static inline bool report_kind_is_access_pair(enum report_kind k)
{
    return k == REPORT_DATA_RACE || k == REPORT_HEAP_USE_AFTER_FREE;
}

struct report_stack {
    uintptr_t pcs[STACK_MAX_FRAMES]; /* return addresses, innermost first */
    size_t n;
    bool restore_failed; /* the history was overwritten: no stack */
};

struct report_access {
    uintptr_t addr;
    size_t size;
    bool is_write;
    bool is_atomic;
    bool is_free;       /* the access is the free() of the block */
    uint64_t gid;
    struct report_stack stack;
};

enum report_location_kind {
    LOC_UNKNOWN,
    LOC_HEAP,   /* heap block: start, size, gid, stack = allocation */
    LOC_GLOBAL, /* global: name, start, size, module */
    LOC_STACK,  /* a goroutine's stack: gid */
    LOC_TLS,    /* a goroutine's thread-local storage: gid */
    LOC_FD,     /* a file descriptor: fd, gid and stack = creation (gid 0: not seen) */
};

struct report_location {
    enum report_location_kind kind;
    uintptr_t start;
    size_t size;
    uint64_t gid;
    stack_id stack;
    bool freed;
    int fd;
    char name[128];
    char module[256];
};

struct report_goroutine {
    uint64_t gid;
    bool finished;
    bool known;          /* false: the slot was reused, creation unknown */
    stack_id creation;
};

struct report {
    enum report_kind kind;
    struct report_access access[2]; /* [0] current, [1] previous */
    struct report_location loc;
    struct report_goroutine goroutine[2];
    size_t n_goroutines;
};

/*
 * A finding's structured data, collected alongside its text for the JSON
 * record (docs/report-format.md): the stacks in the order the text prints
 * them, each titled with the heading printed above it, the goroutines and
 * objects involved, the one-line message and the dedup key's parts.
 * Pointers (pcs, strings) must stay valid until the finding is emitted:
 * depot stacks and static strings do.
 */
enum { FINDING_STACKS = 48, FINDING_GOROUTINES = 16, FINDING_OBJECTS = 8, FINDING_KEYS = 16,
       FINDING_CYCLE = 64 };

struct finding_stack {
    char title[256];      /* the heading, without its final colon */
    uint64_t gid;         /* the goroutine running that code; 0: unknown */
    const uintptr_t *pcs; /* NULL: could not be restored */
    size_t n;
};

struct finding_goroutine {
    uint64_t id;
    const char *state;           /* "running", "finished", or the wait reason */
    uint64_t created_by;         /* 0: absent */
    const uintptr_t *created_at; /* NULL: unknown (main goroutine) */
    size_t n_created_at;
    const uintptr_t *stack; /* where it is now; NULL: absent */
    size_t n_stack;
    uintptr_t waits_on; /* 0: absent */
};

struct finding_object {
    const char *kind; /* "mutex", "channel"... */
    uintptr_t addr;
    char name[24];               /* "" : absent */
    int64_t held_by;             /* -1: absent, 0: null */
    const uintptr_t *created_at; /* NULL: unknown */
    size_t n_created_at;
};

struct crace_finding {
    enum report_kind kind;
    char title[64];
    char message[1024];
    char key[FINDING_KEYS][512]; /* dedup_key's parts, joined sorted by the writer */
    size_t n_keys;
    bool key_keep_dups; /* a data race's two parts */
    const struct report *race;   /* accesses and location, data races only */
    struct finding_stack stack[FINDING_STACKS];
    size_t n_stacks;
    struct finding_goroutine goroutine[FINDING_GOROUTINES];
    size_t n_goroutines;
    struct finding_object object[FINDING_OBJECTS];
    size_t n_objects;
    uint64_t cycle[FINDING_CYCLE];
    size_t n_cycle;
};

/* Fills r->loc for address addr (heap block, global, stack, TLS). */
void report_describe_location(struct report *r, uintptr_t addr);

/* Renders r in Go's layout, fences included, into buf; returns the
 * length (truncated at cap - 1, always NUL-terminated). */
size_t report_render_text(const struct report *r, char *buf, size_t cap);

/* Prints r to the report stream (one write) unless an identical pair of
 * code locations was reported before; counts it. Returns false when it
 * was a duplicate. Honours halt_on_error. A suppressed race (suppress.h)
 * is neither printed nor counted, and its pair is not reported again. */
bool report_emit(const struct report *r);

/* Prints a finding rendered elsewhere (deadlocks, leaks, misuse: one
 * write), writes its JSON record when json_path is set (f may be NULL:
 * a record with the text only), counts it, honours halt_on_error; none
 * of that when a suppression rule matches it (suppress.h). */
void report_emit_text(enum report_kind kind, const char *text, size_t len);
void report_emit_finding(const struct crace_finding *f, const char *text, size_t len);

/* Renders a finding of kind with render(b, arg, f) into a buffer of cap
 * bytes and emits it (report_emit_finding). The program's errno is kept:
 * libdw and the output may change it. */
struct sbuf;
struct crace_finding;
void report_render_emit(enum report_kind kind, size_t cap,
                        void (*render)(struct sbuf *b, const void *arg, struct crace_finding *f), const void *arg);

/* The source lines of a stack (inlined frames included; a frame without
 * one counts by its pc), hashed: how findings tell code locations apart,
 * so that the copies of one statement an unrolled loop made are one
 * location, and one statement reached through two calls two. Never 0. */
uint64_t report_stack_lines(const uintptr_t *pcs, size_t n);

/* The calling thread starts building a report, and is done with it
 * (emitted or dropped): the end of the process waits for reports in
 * progress (report_wait_builders). */
void report_build_begin(void);
void report_build_end(void);
/* Waits until no other thread builds a report, at most a few seconds:
 * a race found just before main returns takes tens of milliseconds to
 * report (its stacks restored and symbolized), and exit would cut it. */
void report_wait_builders(void);

/* Findings printed so far, per kind and in total. */
uint64_t report_count(enum report_kind kind);
uint64_t report_total(void);

/* At exit: "Found N data race(s)" (Go's words; other kinds alike, one
 * line per kind found) to the report stream; nothing when clean. Then
 * "crace: N finding(s) suppressed" when suppression rules hid some, and
 * with report_unused_suppressions "crace: unused suppression FILE:LINE:
 * RULE" for each rule that matched nothing. */
void report_print_summary(void);
/* The process's exit status given the program's: exitcode (66) when
 * findings were reported and the program exited 0, else status. */
int report_exit_status(int status);
/* Ends the process now with status, after the summary and the process
 * record (process_end.h): halt_on_error, a fatal deadlock. */
void report_end_process(int status) __attribute__((noreturn));

#endif /* CRACE_REPORT_H */
