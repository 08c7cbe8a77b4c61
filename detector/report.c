/*
 * report.c: describing, rendering and emitting findings (report.h).
 *
 * The text renderer prints Go's race report layout, byte for byte where Go
 * has an equivalent (tools that read Go's output read ours):
 *
 *     ==================
 *     WARNING: DATA RACE
 *     Write at 0x7b0400000010 by goroutine 3:
 *       worker()
 *           /src/counter_race.c:14 +0x4a
 *
 *     Previous read at 0x7b0400000010 by main goroutine:
 *       ...
 *
 *     Location is heap block of size 4 at 0x7b0400000010 allocated by main goroutine:
 *       ...
 *
 *     Goroutine 3 (running) created at:
 *       ...
 *     ==================
 *
 * Paragraphs after the first are preceded by one blank line; goroutine 1
 * is "main goroutine" and gets no creation paragraph (as in Go). Where Go
 * has no equivalent, ThreadSanitizer's C/C++ wording is used ("Atomic
 * write", "Location is global 'x' of size 4 at ... (module+0x4028)").
 *
 * Every entry point here runs inside the shim (crace_shim_enter): libdw and
 * libdwfl allocate and copy strings through functions the shim
 * intercepts, which must neither check nor record them. A "race" found
 * inside libdw while gc_symbolize holds its lock would otherwise be
 * reported from within the symbolizer, and deadlock on that lock.
 */
#include "report.h"

#include <dlfcn.h>
#include <errno.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <link.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "heap.h"
#include "lock.h"
#include "options.h"
#include "fatal_signal.h"
#include "fd_lifetime.h"
#include "fork.h"
#include "process_end.h"
#include "report_json.h"
#include "rt.h"
#include "stackfmt.h"
#include "suppress.h"
#include "textbuf.h"
#include "symbolize.h"
#include "thread.h"

#define FENCE "==================\n"

/* > 0 while this thread holds dwfl_lock: a report made meanwhile (from a
 * signal handler) skips the globals rather than wait for itself. */
static CRACE_TLS int in_dwfl;

/* "main goroutine" or "goroutine N", the way Go names the actor. */
static void put_goroutine_name(struct sbuf *b, uint64_t gid)
{
    if (gid == 1)
        sb_printf(b, "main goroutine");
    else if (gid == 0)
        sb_printf(b, "unknown goroutine");
    else
        sb_printf(b, "goroutine %llu", (unsigned long long)gid);
}

static void put_failed_stack(struct sbuf *b)
{
    sb_printf(b, "  [failed to restore the stack]\n");
}

/* The stack printed under the heading just written: f, when not NULL,
 * records it for the JSON record with the goroutine running that code. */
static void put_stack(struct sbuf *b, const struct report_stack *s, struct crace_finding *f, uint64_t gid)
{
    size_t n = s->n < STACK_MAX_FRAMES ? s->n : STACK_MAX_FRAMES;
    if (f)
        finding_stack(f, b, gid, s->restore_failed ? NULL : s->pcs, s->restore_failed ? 0 : n);
    if (s->restore_failed)
        put_failed_stack(b);
    else
        stackfmt_pcs(b, s->pcs, s->n < STACK_MAX_FRAMES ? s->n : STACK_MAX_FRAMES, STACK_STYLE_REPORT);
}

/* ---------------------------------------------------------------- paragraphs */

/* [previous][atomic][write] */
static const char *const access_titles[2][2][2] = {
    {{"Read", "Write"}, {"Atomic read", "Atomic write"}},
    {{"Previous read", "Previous write"}, {"Previous atomic read", "Previous atomic write"}},
};

/* A free() racing with an access is shown as the write of the block it is
 * (Go has no free, and tools reading Go's races read ours); in a use after
 * free, which Go has no report for, as the free it is. Its stack begins at
 * free's caller. */
static void put_access(struct sbuf *b, const struct report_access *a, bool previous, bool free_titled,
                       struct crace_finding *f)
{
    bool write = a->is_write || a->is_free;
    const char *title = access_titles[previous][a->is_atomic][write];
    if (a->is_free && free_titled)
        title = previous ? "Previous free" : "Free";
    sb_printf(b, "%s at 0x%012lx by ", title, (unsigned long)a->addr);
    put_goroutine_name(b, a->gid);
    sb_printf(b, ":\n");
    put_stack(b, &a->stack, f, a->gid);
}

/* The offset of addr in its module's ELF address space (what nm and
 * addr2line show), when addr lies in a loaded module. */
static bool module_offset(uintptr_t addr, uintptr_t *off)
{
    Dl_info info;
    struct link_map *map = NULL;
    if (!dladdr1((void *)addr, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
        return false;
    *off = addr - (uintptr_t)map->l_addr;
    return true;
}

static void put_location(struct sbuf *b, const struct report_location *loc, struct crace_finding *f)
{
    uintptr_t off;
    switch (loc->kind) {
    case LOC_UNKNOWN:
        return;
    case LOC_HEAP:
        sb_printf(b, "\nLocation is %sheap block of size %zu at 0x%012lx allocated by ",
                  loc->freed ? "freed " : "", loc->size, (unsigned long)loc->start);
        put_goroutine_name(b, loc->gid);
        sb_printf(b, ":\n");
        if (f)
            finding_stack_depot(f, b, loc->gid, loc->stack);
        stackfmt_depot(b, loc->stack, STACK_STYLE_REPORT);
        return;
    case LOC_GLOBAL:
        sb_printf(b, "\nLocation is global '%s' of size %zu at 0x%012lx", loc->name[0] ? loc->name : "??",
                  loc->size, (unsigned long)loc->start);
        if (loc->module[0] && module_offset(loc->start, &off))
            sb_printf(b, " (%s+0x%lx)", base_name(loc->module), (unsigned long)off);
        else if (loc->module[0])
            sb_printf(b, " (%s)", base_name(loc->module));
        sb_printf(b, "\n");
        return;
    case LOC_STACK:
        sb_printf(b, "\nLocation is stack of ");
        put_goroutine_name(b, loc->gid);
        sb_printf(b, ".\n");
        return;
    case LOC_TLS:
        sb_printf(b, "\nLocation is TLS of ");
        put_goroutine_name(b, loc->gid);
        sb_printf(b, ".\n");
        return;
    case LOC_FD:
        sb_printf(b, "\nLocation is file descriptor %d", loc->fd);
        if (!loc->gid) {
            sb_printf(b, " (not seen created: inherited, or opened by code that is not instrumented).\n");
            return;
        }
        sb_printf(b, " created by ");
        put_goroutine_name(b, loc->gid);
        sb_printf(b, " at:\n");
        if (f)
            finding_stack_depot(f, b, loc->gid, loc->stack);
        stackfmt_depot(b, loc->stack, STACK_STYLE_REPORT);
        return;
    }
}

/* A goroutine whose slot was reused is certainly finished (a slot is
 * reused only after its owner ended); its creation stack is gone. */
static const char *goroutine_state(const struct report_goroutine *g)
{
    return g->known && !g->finished ? "running" : "finished";
}

static void put_goroutine(struct sbuf *b, const struct report_goroutine *g, struct crace_finding *f)
{
    const char *state = goroutine_state(g);
    sb_printf(b, "\nGoroutine %llu (%s) created at:\n", (unsigned long long)g->gid, state);
    if (f) {
        /* The creation stack ran in the parent, which the report does not
         * know: unknown goroutine. */
        size_t n = 0;
        const uintptr_t *pcs = g->known ? finding_depot(g->creation, &n) : NULL;
        finding_stack(f, b, 0, pcs, n);
        struct finding_goroutine *fg = finding_goroutine(f, g->gid, state);
        fg->created_at = pcs;
        fg->n_created_at = n;
    }
    if (g->known)
        stackfmt_depot(b, g->creation, STACK_STYLE_REPORT);
    else
        put_failed_stack(b);
}

static const char *const kind_titles[] = {
#define REPORT_X(name, json, title) [REPORT_##name] = title,
    REPORT_KINDS(REPORT_X)
#undef REPORT_X
};

static bool access_present(const struct report_access *a)
{
    return a->addr || a->stack.n || a->stack.restore_failed;
}

static size_t render_text(const struct report *r, char *buf, size_t cap, struct crace_finding *f)
{
    struct sbuf b = {buf, cap, 0};
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    CHECK(r->kind < REPORT_KIND_COUNT);
    crace_thread *t = crace_shim_enter();
    sb_printf(&b, FENCE "WARNING: %s\n", kind_titles[r->kind]);
    /* A race always has both accesses, even when the previous one's stack
     * is lost; other findings show those they carry. */
    bool first = true;
    for (int i = 0; i < 2; i++) {
        if (!report_kind_is_access_pair(r->kind) && !access_present(&r->access[i]))
            continue;
        if (!first)
            sb_printf(&b, "\n");
        put_access(&b, &r->access[i], i == 1, r->kind == REPORT_HEAP_USE_AFTER_FREE, f);
        first = false;
    }
    put_location(&b, &r->loc, f);
    size_t n = r->n_goroutines < 2 ? r->n_goroutines : 2;
    for (size_t i = 0; i < n; i++) {
        const struct report_goroutine *g = &r->goroutine[i];
        if (g->gid <= 1 || (i == 1 && g->gid == r->goroutine[0].gid))
            continue;
        put_goroutine(&b, g, f);
    }
    sb_printf(&b, FENCE);
    crace_shim_leave(t);
    return b.len;
}

size_t report_render_text(const struct report *r, char *buf, size_t cap)
{
    return render_text(r, buf, cap, NULL);
}

/* ---------------------------------------------------------------- location */

/*
 * Globals are found in the ELF symbol tables with a Dwfl of our own:
 * symbolize.h does not expose its Dwfl, and dladdr sees only .dynsym,
 * which rarely holds an executable's globals. dwfl_lock protects
 * globals_dwfl (libdwfl is not thread-safe); nothing else is locked while
 * it is held.
 */
static gc_lock_t dwfl_lock = GC_LOCK_INIT;
static Dwfl *globals_dwfl;

static const Dwfl_Callbacks proc_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
};

/* (Re)reads the process's module list: libraries come and go with dlopen.
 * Under dwfl_lock. */
static bool dwfl_refresh(void)
{
    if (!globals_dwfl)
        globals_dwfl = dwfl_begin(&proc_callbacks);
    if (!globals_dwfl)
        return false;
    dwfl_report_begin(globals_dwfl);
    int rc = gc_dwfl_report_loaded(globals_dwfl);
    return dwfl_report_end(globals_dwfl, NULL, NULL) == 0 && rc == 0;
}

static void copy_string(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* A global's symbol as C++ code spells it: `counter()::c` for
 * _ZZL7countervE1c, with the suffix a compiler gives a part of a split
 * variable (`.0`) dropped. The demangler is libstdc++'s, looked up in the
 * process: a program with mangled names has it loaded, a C program keeps
 * its names as they are. */
static void global_name(char *dst, size_t cap, const char *sym)
{
    copy_string(dst, cap, sym);
    if (strncmp(sym, "_Z", 2) != 0)
        return;
    char *(*demangle)(const char *, char *, size_t *, int *) =
        (char *(*)(const char *, char *, size_t *, int *))dlsym(RTLD_DEFAULT, "__cxa_demangle");
    if (!demangle)
        return;
    char base[256];
    copy_string(base, sizeof(base), sym);
    char *dot = strchr(base, '.');
    if (dot)
        *dot = '\0';
    int status = -1;
    char *plain = demangle(base, NULL, NULL, &status);
    if (status == 0 && plain)
        copy_string(dst, cap, plain);
    free(plain);
}

/* The sized object symbol of module m that holds addr, for when the one
 * libdw found has no size: a marker the linker or crt files put at the
 * same address (__TMC_END__ shares its address with the first variable
 * of a clang-built program's .bss, and libdw returns either). NULL if
 * none. Linear, at report time only. */
static const char *sized_object_at(Dwfl_Module *m, uintptr_t addr, GElf_Sym *sym, GElf_Off *off)
{
    int n = dwfl_module_getsymtab(m);
    for (int i = 1; i < n; i++) {
        GElf_Sym s;
        GElf_Addr value;
        const char *name = dwfl_module_getsym_info(m, i, &s, &value, NULL, NULL, NULL);
        int type = GELF_ST_TYPE(s.st_info);
        if (name && (type == STT_OBJECT || type == STT_COMMON) && s.st_size > 0 && addr >= value &&
            addr - value < s.st_size) {
            *sym = s;
            *off = addr - value;
            return name;
        }
    }
    return NULL;
}

static bool find_global(uintptr_t addr, struct report_location *loc)
{
    bool found = false;
    if (in_dwfl)
        return false;
    in_dwfl++;
    gc_lock(&dwfl_lock);
    Dwfl_Module *m = NULL;
    if (globals_dwfl)
        m = dwfl_addrmodule(globals_dwfl, addr);
    if (!m && dwfl_refresh())
        m = dwfl_addrmodule(globals_dwfl, addr);
    if (m) {
        GElf_Off off = 0;
        GElf_Sym sym;
        GElf_Word shndx;
        Elf *elf;
        Dwarf_Addr bias;
        const char *name = dwfl_module_addrinfo(m, addr, &off, &sym, &shndx, &elf, &bias);
        if (name && sym.st_size == 0) {
            const char *sized = sized_object_at(m, addr, &sym, &off);
            if (sized)
                name = sized;
        }
        int type = name ? GELF_ST_TYPE(sym.st_info) : STT_NOTYPE;
        bool inside = off < sym.st_size || (sym.st_size == 0 && off == 0);
        if (name && (type == STT_OBJECT || type == STT_COMMON) && inside) {
            const char *module = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            loc->kind = LOC_GLOBAL;
            loc->start = addr - off;
            loc->size = sym.st_size;
            global_name(loc->name, sizeof(loc->name), name);
            copy_string(loc->module, sizeof(loc->module), module ? module : "");
            found = true;
        }
    }
    gc_unlock(&dwfl_lock);
    in_dwfl--;
    return found;
}

void report_describe_location(struct report *r, uintptr_t addr)
{
    struct report_location *loc = &r->loc;
    memset(loc, 0, sizeof(*loc));
    loc->kind = LOC_UNKNOWN;
    struct heap_block blk;
    uint64_t gid;
    bool tls;
    crace_thread *t = crace_shim_enter();
    int fd;
    if (crace_fd_describe(addr, &fd, &gid, &loc->stack)) {
        loc->kind = LOC_FD;
        loc->fd = fd;
        loc->gid = gid;
        loc->start = addr;
        loc->size = 8;
    } else if (heap_find(addr, &blk) || (loc->freed = heap_find_freed(addr, &blk))) {
        loc->kind = LOC_HEAP;
        loc->start = blk.start;
        loc->size = blk.size;
        loc->gid = blk.gid;
        loc->stack = blk.stack;
    } else if ((gid = crace_stack_owner(addr, &tls)) != 0) {
        loc->kind = tls ? LOC_TLS : LOC_STACK;
        loc->gid = gid;
    } else {
        find_global(addr, loc);
    }
    crace_shim_leave(t);
}

/* ---------------------------------------------------------------- emit */

/*
 * Reported pairs of code locations: the source lines of each access's
 * stack (stack_location), smaller first (the same two stacks racing in
 * either order are one finding), and the kind. An
 * open-addressing set; dedup_lock protects dedup_*, and nothing else is
 * locked or called while it is held.
 */
struct dedup_entry {
    uintptr_t lo, hi;
    uint32_t kind;
    bool used;
};

static gc_lock_t dedup_lock = GC_LOCK_INIT;
static struct dedup_entry *dedup_table;
static size_t dedup_cap, dedup_used; /* cap: 0 or a power of two */

static _Atomic uint64_t report_counts[REPORT_KIND_COUNT];

static size_t dedup_hash(uintptr_t lo, uintptr_t hi, uint32_t kind, size_t cap)
{
    uint64_t h = (uint64_t)lo * 0x9e3779b97f4a7c15ull;
    h ^= ((uint64_t)hi + kind) * 0xc2b2ae3d27d4eb4full;
    h ^= h >> 31;
    return (size_t)h & (cap - 1);
}

static struct dedup_entry *dedup_slot(struct dedup_entry *t, size_t cap, uintptr_t lo, uintptr_t hi,
                                      uint32_t kind)
{
    size_t i = dedup_hash(lo, hi, kind, cap);
    while (t[i].used && !(t[i].lo == lo && t[i].hi == hi && t[i].kind == kind))
        i = (i + 1) & (cap - 1);
    return &t[i];
}

/* Under dedup_lock: keeps the table at most half full. */
static void dedup_grow(void)
{
    size_t cap = dedup_cap ? dedup_cap * 2 : 256;
    struct dedup_entry *t = crace_alloc(cap * sizeof(*t));
    for (size_t i = 0; i < dedup_cap; i++)
        if (dedup_table[i].used)
            *dedup_slot(t, cap, dedup_table[i].lo, dedup_table[i].hi, dedup_table[i].kind) = dedup_table[i];
    crace_free(dedup_table);
    dedup_table = t;
    dedup_cap = cap;
}

/* Folds one frame's file and line (its pc when it has none) into *arg. */
static int fold_line(const struct gc_frame *f, void *arg)
{
    uint64_t *h = arg, x;
    /* A guessed line (clang's line 0) names no statement of its own: two
     * accesses it merged from different lines would look like one. */
    if (f->file && f->line > 0 && !f->line_guessed) {
        x = 1469598103934665603ull;
        for (const char *c = f->file; *c; c++)
            x = (x ^ (unsigned char)*c) * 1099511628211ull;
        x ^= (uint64_t)f->line * 0x9e3779b97f4a7c15ull;
    } else {
        x = (uint64_t)f->pc * 0xc2b2ae3d27d4eb4full;
    }
    *h = (*h ^ x) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
    return 0; /* every frame, the inlined ones too */
}

/* An access's code location: the source lines of its whole stack
 * (inlined frames included), hashed, so that the copies of one statement
 * an unrolled or duplicated loop made count as one, and one statement
 * reached through other calls is another location (as ThreadSanitizer
 * and Go tell reports apart: by their stacks); 0 when its stack is
 * unknown. */
static uintptr_t stack_location(const struct report_access *a)
{
    if (a->stack.restore_failed || a->stack.n == 0)
        return 0;
    return (uintptr_t)report_stack_lines(a->stack.pcs, a->stack.n < STACK_MAX_FRAMES ? a->stack.n : STACK_MAX_FRAMES);
}

uint64_t report_stack_lines(const uintptr_t *pcs, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; pcs && i < n; i++)
        gc_symbolize(pcs[i], true, fold_line, &h);
    return h | 1;
}

/* True the first time the pair of code locations of r is seen. A finding
 * without any code location cannot be compared and is always new. A race
 * with a free is another finding than a race of the same two lines on
 * other memory (`q = p; ... q[1]` against `p = realloc(p, n)`: the
 * pointer, and the block realloc freed under q), as ThreadSanitizer
 * tells a use after free from a race. */
static bool dedup_first(const struct report *r)
{
    uintptr_t a = stack_location(&r->access[0]), b = stack_location(&r->access[1]);
    uintptr_t lo = a < b ? a : b, hi = a < b ? b : a;
    if (!lo && !hi)
        return true;
    uint32_t kind = (uint32_t)r->kind | (r->access[0].is_free || r->access[1].is_free ? 1u << 16 : 0);
    bool first = false;
    gc_lock(&dedup_lock);
    if (2 * (dedup_used + 1) > dedup_cap)
        dedup_grow();
    struct dedup_entry *e = dedup_slot(dedup_table, dedup_cap, lo, hi, kind);
    if (!e->used) {
        *e = (struct dedup_entry){lo, hi, kind, true};
        dedup_used++;
        first = true;
    }
    gc_unlock(&dedup_lock);
    return first;
}

/* Big enough for any ordinary report; a bigger one is rendered again into
 * a buffer four times the size, up to the limit, then cut. */
enum { REPORT_BUF = 64 * 1024, REPORT_BUF_MAX = 4 * 1024 * 1024 };

/* A thread's parent, when the thread of goroutine gid is still known. */
struct parent_probe {
    uint64_t gid, parent;
};

static void probe_parent(crace_thread *t, void *arg)
{
    struct parent_probe *p = arg;
    if (t->gid == p->gid)
        p->parent = t->parent_gid;
}

/* The race's message and key (docs/report-format.md), from the user
 * frames of its two accesses. The message names what the two sides did
 * and where, nothing that changes from run to run of the same race (CI
 * tools track findings by it, JUnit names its testcase with it): no
 * goroutine numbers, which follow thread start order, and a data race's
 * two sides in a canonical order (by place, then by what was done), not
 * in the order the threads happened to get there. */
static void race_summary(const struct report *r, struct crace_finding *f)
{
    char at[2][256], key[512];
    const char *did[2];
    static const char *const what[2][2] = {{"read", "write"}, {"atomic read", "atomic write"}};
    for (int i = 0; i < 2; i++) {
        const struct report_access *a = &r->access[i];
        const uintptr_t *pcs = a->stack.restore_failed ? NULL : a->stack.pcs;
        size_t n = a->stack.n < STACK_MAX_FRAMES ? a->stack.n : STACK_MAX_FRAMES;
        finding_where(pcs, n, false, at[i], sizeof(at[i]), key, sizeof(key));
        finding_key(f, key);
        did[i] = a->is_free ? "free" : what[a->is_atomic][a->is_write];
    }
    /* A use after free reads in its own order: the use, then the free. */
    if (r->kind == REPORT_HEAP_USE_AFTER_FREE) {
        snprintf(f->message, sizeof(f->message), "Heap use after free: %s at %s of memory freed at %s",
                 did[0], at[0], at[1]);
        return;
    }
    int c = strcmp(at[0], at[1]);
    bool swap = c > 0 || (c == 0 && strcmp(did[0], did[1]) > 0);
    if (swap)
        snprintf(f->message, sizeof(f->message), "Data race between %s at %s and %s at %s", did[1], at[1],
                 did[0], at[0]);
    else
        snprintf(f->message, sizeof(f->message), "Data race between %s at %s and %s at %s", did[0], at[0],
                 did[1], at[1]);
}

bool report_emit(const struct report *r)
{
    CHECK(r->kind < REPORT_KIND_COUNT);
    if (!dedup_first(r))
        return false;
    size_t cap = REPORT_BUF, len;
    char *buf;
    struct crace_finding *f = NULL;
    /* The finding as data: for the JSON record, and for the suppression
     * rules, which match its stacks. */
    if ((crace_opts.json_path && crace_opts.json_path[0]) || suppress_enabled())
        f = crace_alloc(sizeof(*f));
    for (;;) {
        buf = crace_alloc(cap);
        if (f)
            finding_init(f, r->kind, NULL);
        len = render_text(r, buf, cap, f);
        if (len < cap - 1 || cap >= REPORT_BUF_MAX)
            break;
        crace_free(buf);
        cap *= 4;
    }
    if (f) {
        crace_thread *t = crace_shim_enter();
        f->race = r;
        f->key_keep_dups = report_kind_is_access_pair(r->kind);
        race_summary(r, f);
        /* The goroutines of the accesses, with their creation where the
         * text printed it (render_text added those). */
        for (int i = 0; i < 2; i++) {
            if (!r->access[i].gid)
                continue;
            /* The main goroutine has no creation section in the text,
             * and may have ended (pthread_exit) as well as any. */
            const char *state = "running";
            for (size_t k = 0; k < r->n_goroutines; k++)
                if (r->goroutine[k].gid == r->access[i].gid)
                    state = goroutine_state(&r->goroutine[k]);
            finding_goroutine(f, r->access[i].gid, state);
        }
        for (size_t i = 0; i < f->n_goroutines; i++) {
            struct parent_probe p = {f->goroutine[i].id, 0};
            if (p.gid > 1)
                crace_thread_foreach(probe_parent, &p);
            f->goroutine[i].created_by = p.parent;
        }
        /* A creation stack ran in the creator. */
        for (size_t i = 0; i < f->n_stacks; i++)
            for (size_t k = 0; k < f->n_goroutines; k++)
                if (f->stack[i].gid == 0 && f->goroutine[k].created_at &&
                    f->stack[i].pcs == f->goroutine[k].created_at)
                    f->stack[i].gid = f->goroutine[k].created_by;
        crace_shim_leave(t);
    }
    if (f) {
        report_emit_finding(f, buf, len);
        crace_free(f);
    } else {
        report_emit_text(r->kind, buf, len);
    }
    crace_free(buf);
    return true;
}

void report_emit_text(enum report_kind kind, const char *text, size_t len)
{
    struct crace_finding *f = crace_alloc(sizeof(*f));
    finding_init(f, kind, NULL);
    report_emit_finding(f, text, len);
    crace_free(f);
}

void report_emit_finding(const struct crace_finding *f, const char *text, size_t len)
{
    CHECK(f && f->kind < REPORT_KIND_COUNT);
    /* A suppressed finding leaves no trace but the suppression counts: no
     * text, no record, no effect on the exit status or halt_on_error. */
    if (suppress_finding(f))
        return;
    /* A signal that would end the process waits for both writes. */
    fatal_signal_begin_write();
    crace_write(text, len);
    /* Before halt_on_error (or the caller's exit) can end the process. */
    report_json_write(f, text, len);
    fatal_signal_end_write();
    atomic_fetch_add_explicit(&report_counts[f->kind], 1, memory_order_relaxed);
    if (crace_opts.halt_on_error) {
        report_end_process((int)crace_opts.exitcode);
    }
}

/* Reports being built, by all threads and by this one. */
static _Atomic int builders;
static CRACE_TLS int building;

void report_build_begin(void)
{
    building++;
    atomic_fetch_add(&builders, 1);
}

void report_build_end(void)
{
    atomic_fetch_sub(&builders, 1);
    building--;
}

/* Long enough for the slowest report seen (the first one's symbol
 * tables: tens of milliseconds; under valgrind, seconds), short enough
 * that a reporter stuck for good does not hold the exit up for long. */
enum { REPORT_WAIT_MS = 10 * 1000 };

void report_wait_builders(void)
{
    for (int ms = 0; ms < REPORT_WAIT_MS && atomic_load(&builders) > building; ms++) {
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

void report_render_emit(enum report_kind kind, size_t cap,
                        void (*render)(struct sbuf *b, const void *arg, struct crace_finding *f), const void *arg)
{
    report_build_begin();
    int saved_errno = errno;
    struct sbuf b = {crace_alloc(cap), cap, 0};
    struct crace_finding *f = crace_alloc(sizeof(*f));
    finding_init(f, kind, NULL);
    render(&b, arg, f);
    report_emit_finding(f, b.buf, b.len);
    crace_free(f);
    crace_free(b.buf);
    errno = saved_errno;
    report_build_end();
}

uint64_t report_count(enum report_kind kind)
{
    CHECK(kind < REPORT_KIND_COUNT);
    return atomic_load_explicit(&report_counts[kind], memory_order_relaxed);
}

uint64_t report_total(void)
{
    uint64_t n = 0;
    for (int k = 0; k < REPORT_KIND_COUNT; k++)
        n += atomic_load_explicit(&report_counts[k], memory_order_relaxed);
    return n;
}

/* "crace: unused suppression supp.txt:3: race:worker" */
static void put_unused(const char *file, unsigned line, const char *rule, uint64_t hits, void *arg)
{
    (void)arg;
    if (hits == 0)
        crace_printf("crace: unused suppression %s:%u: %s\n", file, line, rule);
}

/* "Found 2 data race(s)", Go's words at exit; other kinds the same way
 * ("Found 1 goroutine leak(s)"), from their titles. Then how many were
 * suppressed, and with report_unused_suppressions the rules that matched
 * nothing (a fixed bug's rule should go before it hides a new one). */
void report_print_summary(void)
{
    char buf[1024];
    struct sbuf b = {buf, sizeof(buf), 0};
    buf[0] = '\0';
    for (int k = 0; k < REPORT_KIND_COUNT; k++) {
        uint64_t n = report_count((enum report_kind)k);
        if (!n)
            continue;
        char title[64];
        size_t i = 0;
        for (; kind_titles[k][i] && i + 1 < sizeof(title); i++) {
            char c = kind_titles[k][i];
            title[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
        title[i] = '\0';
        sb_printf(&b, "Found %llu %s(s)\n", (unsigned long long)n, title);
    }
    uint64_t hidden = suppress_count();
    if (hidden)
        sb_printf(&b, "crace: %llu finding(s) suppressed\n", (unsigned long long)hidden);
    if (b.len)
        crace_write(buf, b.len);
    if (crace_opts.report_unused_suppressions)
        suppress_foreach(put_unused, NULL);
}

void report_end_process(int status)
{
    report_print_summary();
    process_end_write(status);
    _exit(status);
}

int report_exit_status(int status)
{
    return status == 0 && report_total() > 0 ? (int)crace_opts.exitcode : status;
}

/* Across fork (fork.h): dwfl_lock, then dedup_lock, then suppress.c's
 * benign_lock (dwfl_lock is held while libdw allocates, so it comes before
 * the heap table's locks; the other two are leaves). The child reports its own findings only: counts
 * start again at 0, while the pairs the parent reported stay known (the
 * child would find the same ones in memory it inherited). */
void report_fork(enum crace_fork_phase phase)
{
    if (phase == CRACE_FORK_PREPARE) {
        crace_fork_lock(&dwfl_lock, phase);
        crace_fork_lock(&dedup_lock, phase);
        suppress_fork(phase);
        return;
    }
    suppress_fork(phase);
    crace_fork_lock(&dedup_lock, phase);
    crace_fork_lock(&dwfl_lock, phase);
    if (phase == CRACE_FORK_CHILD) {
        /* The other threads, and the reports they were building, are
         * the parent's. */
        atomic_store(&builders, building);
        for (int k = 0; k < REPORT_KIND_COUNT; k++)
            atomic_store_explicit(&report_counts[k], 0, memory_order_relaxed);
        suppress_reset_counts();
    }
}
