/*
 * symbolize.c: stacks with libunwind, program counters to function,
 * file:line (inlined frames included) with elfutils' libdwfl.
 *
 * Shared by libgochan and libcrace: depends on internal.h, lock.h, libunwind, libdw
 * and libc only.
 *
 * One Dwfl describes the process, built at first use from /proc/PID/maps
 * and rebuilt when an address falls in no known module (a library
 * dlopen'ed since) or after fork. Results are cached per (pc, is return
 * address) forever; every string handed out is interned, so it outlives
 * the Dwfl's modules.
 */
#define UNW_LOCAL_ONLY
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <limits.h>
#include <link.h>
#include <libunwind.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "internal.h"
#include "lock.h"
#include "symbolize.h"

enum {
    GC_SYM_BUCKETS = 4096,  /* pc cache */
    GC_STR_BUCKETS = 1024,  /* interned strings */
    GC_SYM_MAX_FRAMES = 64  /* inlining depth at one pc */
};

struct gc_sym_entry {
    struct gc_sym_entry *next;
    uintptr_t pc;
    bool is_return_address;
    int n;
    struct gc_frame frames[];
};

struct gc_str {
    struct gc_str *next;
    char s[];
};

/* gc_sym_lock protects everything below: libdw is not thread-safe, and
 * the caches are filled under it. Entries are immutable once inserted,
 * so callbacks run on them without the lock. Nothing else is acquired
 * while it is held. */
static gc_lock_t gc_sym_lock = GC_LOCK_INIT;
static Dwfl *gc_dwfl;
static pid_t gc_dwfl_pid;
static struct gc_sym_entry *gc_sym_cache[GC_SYM_BUCKETS];
static struct gc_str *gc_str_table[GC_STR_BUCKETS];

static char *gc_dwfl_debuginfo_path;
static const Dwfl_Callbacks gc_dwfl_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &gc_dwfl_debuginfo_path,
};

/* ------------------------------------------------------------------ */
/* Unwinding                                                            */
/* ------------------------------------------------------------------ */

/* Slow path for deep requests: unw_step, one frame at a time, from the
 * frame whose pc is ra (gc_unwind's return address) on. */
__attribute__((noinline)) static size_t gc_unwind_step(uintptr_t *pcs, size_t max, unsigned skip,
                                                       uintptr_t ra)
{
    unw_context_t uc;
    unw_cursor_t cursor;
    if (unw_getcontext(&uc) != 0 || unw_init_local(&cursor, &uc) != 0)
        return 0;
    size_t n = 0;
    bool found = false;
    while (n < max && unw_step(&cursor) > 0) {
        unw_word_t ip;
        if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0)
            break;
        if (!found) {
            if ((uintptr_t)ip != ra)
                continue;
            found = true;
        }
        if (skip > 0)
            skip--;
        else
            pcs[n++] = (uintptr_t)ip;
    }
    return n;
}

/*
 * Frames are located by gc_unwind's own return address rather than by
 * counting, which inlining and tail calls would upset.
 *
 * unw_backtrace is fast, but its first call in a thread maps a 256 KiB
 * trace cache for that thread: with thousands of goroutines that unwind
 * once or twice (a channel operation, a block) that was most of the
 * detector's memory. A thread therefore unwinds with unw_step (slower, no
 * such cache) until it has unwound GC_UNWIND_WARM times, and only then
 * with unw_backtrace: the threads that unwind all the time pay for the
 * cache, the others do not.
 */
enum { GC_UNWIND_FAST = 256, GC_UNWIND_WARM = 64 };
static __thread unsigned gc_unwinds;

__attribute__((noinline)) size_t gc_unwind(uintptr_t *pcs, size_t max, unsigned skip)
{
    uintptr_t ra = (uintptr_t)__builtin_return_address(0);
    size_t want = max + skip + 2;
    if (max == 0)
        return 0;
    if (want > GC_UNWIND_FAST || want < max || gc_unwinds < GC_UNWIND_WARM) {
        gc_unwinds++;
        return gc_unwind_step(pcs, max, skip, ra);
    }
    void *buf[GC_UNWIND_FAST];
    int got = unw_backtrace(buf, (int)want);
    int first = 0;
    while (first < got && (uintptr_t)buf[first] != ra)
        first++;
    if (first == got)
        first = 1; /* not found: unw_backtrace's first entry is ours */
    size_t n = 0;
    for (int i = first + (int)skip; i < got && n < max; i++)
        pcs[n++] = (uintptr_t)buf[i];
    return n;
}

/* ------------------------------------------------------------------ */
/* Caches (under gc_sym_lock)                                           */
/* ------------------------------------------------------------------ */

static size_t gc_hash_str(const char *s)
{
    size_t h = 1469598103934665603ULL;
    while (*s != '\0')
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

/* A copy of s that lives until exit; NULL stays NULL. */
static const char *gc_intern(const char *s)
{
    if (s == NULL)
        return NULL;
    struct gc_str **head = &gc_str_table[gc_hash_str(s) % GC_STR_BUCKETS];
    for (struct gc_str *e = *head; e != NULL; e = e->next) {
        if (strcmp(e->s, s) == 0)
            return e->s;
    }
    size_t len = strlen(s);
    struct gc_str *e = malloc(sizeof(*e) + len + 1);
    if (e == NULL)
        return "??";
    memcpy(e->s, s, len + 1);
    e->next = *head;
    *head = e;
    return e->s;
}

static struct gc_sym_entry **gc_sym_bucket(uintptr_t pc, bool is_ret)
{
    uintptr_t h = (pc ^ (uintptr_t)is_ret) * 0x9E3779B97F4A7C15ULL;
    return &gc_sym_cache[(h >> 32) % GC_SYM_BUCKETS];
}

static const struct gc_sym_entry *gc_sym_lookup(uintptr_t pc, bool is_ret)
{
    for (struct gc_sym_entry *e = *gc_sym_bucket(pc, is_ret); e != NULL; e = e->next) {
        if (e->pc == pc && e->is_return_address == is_ret)
            return e;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The process's modules                                                */
/* ------------------------------------------------------------------ */

/*
 * Where each module is comes from the dynamic loader (dl_iterate_phdr:
 * its load bias), not from /proc/PID/maps as dwfl_linux_proc_report reads
 * it. That report takes consecutive mappings of one file for one module,
 * so a mapping of a library's file made by anyone else (libelf mapping it
 * to read its symbols, a program reading its plugin) that lands just
 * below the library moves the module's start there, and every pc in it
 * is then misplaced: no function, no line. The maps are read only for
 * each module's path (the loader may hold a relative one, or "" for the
 * program).
 */
struct gc_loaded {
    uintptr_t bias;  /* dlpi_addr */
    uintptr_t probe; /* an address in its first PT_LOAD segment */
};

struct gc_loaded_list {
    struct gc_loaded *v;
    size_t n, cap; /* n may exceed cap: the list was too short */
};

/* Runs under the loader's lock: no allocation, nothing of ours locked. */
static int gc_loaded_one(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct gc_loaded_list *l = arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type != PT_LOAD || info->dlpi_phdr[i].p_memsz == 0)
            continue;
        if (l->n < l->cap)
            l->v[l->n] = (struct gc_loaded){info->dlpi_addr, info->dlpi_addr + info->dlpi_phdr[i].p_vaddr};
        l->n++;
        break;
    }
    return 0;
}

/* The loaded modules into a malloc'ed list; NULL when out of memory. */
static struct gc_loaded *gc_loaded_list(size_t *n)
{
    struct gc_loaded_list l = {NULL, 0, 64};
    for (;;) {
        l.v = malloc(l.cap * sizeof(*l.v));
        if (l.v == NULL)
            return NULL;
        l.n = 0;
        dl_iterate_phdr(gc_loaded_one, &l);
        if (l.n <= l.cap)
            break;
        free(l.v);
        l.cap = l.n + 16; /* and a few more, should some be loaded meanwhile */
    }
    *n = l.n;
    return l.v;
}

static void gc_report_one(Dwfl *dwfl, const struct gc_loaded *m, const char *path, unsigned long start,
                          unsigned long end)
{
    if (dwfl_report_elf(dwfl, path, path, -1, m->bias, true) != NULL)
        return;
    /* Deleted or replaced since it was loaded: the mapping still holds it. */
    char alt[64];
    snprintf(alt, sizeof(alt), "/proc/self/map_files/%lx-%lx", start, end);
    dwfl_report_elf(dwfl, path, alt, -1, m->bias, true);
}

int gc_dwfl_report_loaded(Dwfl *dwfl)
{
    size_t n = 0;
    struct gc_loaded *mods = gc_loaded_list(&n);
    if (mods == NULL)
        return -1;
    /* The calling thread's own view: once the main thread has ended with
     * pthread_exit while others run, /proc/PID/maps is empty. */
    FILE *f = fopen("/proc/thread-self/maps", "re");
    if (f == NULL)
        f = fopen("/proc/self/maps", "re");
    if (f == NULL) {
        free(mods);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    while (n > 0 && getline(&line, &cap, f) > 0) {
        unsigned long start, end;
        int path_at = 0;
        if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &start, &end, &path_at) < 2 || path_at == 0 ||
            line[path_at] != '/')
            continue;
        line[strcspn(line, "\n")] = '\0';
        for (size_t i = 0; i < n; i++) {
            if (mods[i].probe < start || mods[i].probe >= end)
                continue;
            gc_report_one(dwfl, &mods[i], line + path_at, start, end);
            mods[i] = mods[--n]; /* reported: out of the list */
            break;
        }
    }
    free(line);
    fclose(f);
    free(mods);
    return 0;
}

/* ------------------------------------------------------------------ */
/* libdwfl (under gc_sym_lock)                                          */
/* ------------------------------------------------------------------ */

/* (Re)reads the process's modules. */
static void gc_dwfl_report(void)
{
    if (gc_dwfl == NULL) {
        gc_dwfl = dwfl_begin(&gc_dwfl_callbacks);
        if (gc_dwfl == NULL)
            return;
    }
    gc_dwfl_pid = getpid();
    dwfl_report_begin(gc_dwfl);
    gc_dwfl_report_loaded(gc_dwfl);
    dwfl_report_end(gc_dwfl, NULL, NULL);
}

static Dwfl_Module *gc_dwfl_module(Dwarf_Addr addr)
{
    if (gc_dwfl == NULL || gc_dwfl_pid != getpid())
        gc_dwfl_report();
    if (gc_dwfl == NULL)
        return NULL;
    Dwfl_Module *mod = dwfl_addrmodule(gc_dwfl, addr);
    if (mod == NULL) {
        gc_dwfl_report(); /* loaded since we last looked? */
        mod = dwfl_addrmodule(gc_dwfl, addr);
    }
    return mod;
}

static int gc_attr_udata(Dwarf_Die *die, unsigned name, Dwarf_Word *out)
{
    Dwarf_Attribute attr;
    return dwarf_formudata(dwarf_attr(die, name, &attr), out);
}

struct gc_sym_work {
    struct gc_frame frames[GC_SYM_MAX_FRAMES];
    int n;
};

/* Adds a frame with the source position (file, line, column) it is at. */
static void gc_sym_push(struct gc_sym_work *w, const struct gc_frame *proto, const char *function,
                        const char *file, int line, int column, bool inlined)
{
    if (w->n == GC_SYM_MAX_FRAMES)
        return;
    struct gc_frame *f = &w->frames[w->n++];
    *f = *proto;
    f->function = gc_intern(function != NULL ? function : "??");
    f->file = gc_intern(file);
    f->line = line;
    f->column = column;
    f->inlined = inlined;
}

/* The compile unit containing addr by a walk over all of them: clang
 * writes no .debug_aranges, which is all elfutils 0.188's
 * dwfl_module_addrdie consults; and in a module linking objects of both
 * compilers, it may answer with a gcc unit whose range lies below addr
 * (a clang program with crace's gcc-built fast path: every frame lost its
 * line). */
static Dwarf_Die *gc_sym_find_cu(Dwfl_Module *mod, Dwarf_Addr addr, Dwarf_Addr *bias)
{
    Dwarf_Die *cu = NULL;
    while ((cu = dwfl_module_nextcu(mod, cu, bias)) != NULL)
        if (dwarf_haspc(cu, addr - *bias) == 1)
            return cu;
    return NULL;
}

/* The closest row of cudie's line table at or below addr (no bias) that
 * has a line, or NULL. clang gives code it merged from several lines
 * line 0 (one store for both branches of an if): such code is shown at
 * the line before it, as objdump -l and gdb show it. A function's first
 * row always has its line, so the row found is in the same function. */
static Dwarf_Line *gc_sym_line_before(Dwarf_Die *cudie, Dwarf_Addr addr)
{
    Dwarf_Lines *lines;
    size_t n;
    if (dwarf_getsrclines(cudie, &lines, &n) != 0)
        return NULL;
    Dwarf_Line *best = NULL;
    Dwarf_Addr best_addr = 0;
    for (size_t i = 0; i < n; i++) {
        Dwarf_Line *l = dwarf_onesrcline(lines, i);
        Dwarf_Addr a;
        int line;
        bool end;
        if (l == NULL || dwarf_lineaddr(l, &a) != 0 || a > addr || (best != NULL && a < best_addr) ||
            dwarf_lineno(l, &line) != 0 || line == 0 || (dwarf_lineendsequence(l, &end) == 0 && end))
            continue;
        best = l;
        best_addr = a;
    }
    return best;
}

/* The innermost function, inlined instance or block under parent whose
 * code holds pc (no bias), looked for inside namespaces and classes too,
 * into *out; false when none. depth bounds the walk on corrupt input. */
static bool gc_sym_innermost(Dwarf_Die *parent, Dwarf_Addr pc, Dwarf_Die *out, int depth)
{
    Dwarf_Die child;
    if (depth > 64 || dwarf_child(parent, &child) != 0)
        return false;
    do {
        switch (dwarf_tag(&child)) {
        case DW_TAG_subprogram:
        case DW_TAG_inlined_subroutine:
        case DW_TAG_lexical_block:
        case DW_TAG_try_block:
        case DW_TAG_catch_block:
            if (dwarf_haspc(&child, pc) == 1) {
                *out = child;
                gc_sym_innermost(&child, pc, out, depth + 1);
                return true;
            }
            break;
        case DW_TAG_namespace:
        case DW_TAG_class_type:
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
            if (gc_sym_innermost(&child, pc, out, depth + 1))
                return true;
            break;
        default:
            break;
        }
    } while (dwarf_siblingof(&child, &child) == 0);
    return false;
}

/* Is cudie C++? Only there do functions sit in namespaces and classes. */
static bool gc_sym_is_cxx(Dwarf_Die *cudie)
{
    int lang = dwarf_srclang(cudie);
    return lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 || lang == DW_LANG_C_plus_plus_11 ||
           lang == DW_LANG_C_plus_plus_14;
}

/* The declaration a function's DIE stands for: an inlined instance's or
 * an out-of-line copy's abstract origin, a definition's specification
 * (a member function defined outside its class), in turn. */
static Dwarf_Die gc_sym_decl(Dwarf_Die *die)
{
    Dwarf_Die cur = *die, next;
    Dwarf_Attribute a;
    for (int hops = 0; hops < 4; hops++) {
        if ((dwarf_attr(&cur, DW_AT_abstract_origin, &a) == NULL &&
             dwarf_attr(&cur, DW_AT_specification, &a) == NULL) ||
            dwarf_formref_die(&a, &next) == NULL)
            break;
        cur = next;
    }
    return cur;
}

/* Does the class type declare operator()? A lambda's closure type does,
 * and has no name (gcc makes it a structure, clang a class). */
static bool gc_sym_has_call_operator(Dwarf_Die *type)
{
    Dwarf_Die child;
    if (dwarf_child(type, &child) != 0)
        return false;
    do {
        const char *n = dwarf_diename(&child);
        if (dwarf_tag(&child) == DW_TAG_subprogram && n != NULL && strcmp(n, "operator()") == 0)
            return true;
    } while (dwarf_siblingof(&child, &child) == 0);
    return false;
}

/* name, a C++ function's DWARF name, qualified by the namespaces, classes
 * and functions its declaration is nested in, as a C++ programmer (and
 * ThreadSanitizer's report) spells it: `ns::Counter::bump` for bump,
 * `main::{lambda}::operator()` for a lambda's body (its class has no
 * name), `(anonymous namespace)::helper`. Written to buf; name itself
 * when nothing encloses it. At report time only: a walk of the unit's
 * DIEs down to the declaration (dwarf_getscopes_die). */
static const char *gc_sym_qualified(Dwarf_Die *die, const char *name, char *buf, size_t cap)
{
    Dwarf_Die decl = gc_sym_decl(die);
    Dwarf_Die *scopes = NULL;
    int n = dwarf_getscopes_die(&decl, &scopes);
    size_t len = 0;
    buf[0] = '\0';
    /* scopes[0] is decl, scopes[n - 1] the unit: the enclosing ones
     * between, outermost first. */
    for (int i = n - 2; i >= 1; i--) {
        int tag = dwarf_tag(&scopes[i]);
        const char *part = dwarf_diename(&scopes[i]);
        if (tag == DW_TAG_namespace)
            part = part != NULL ? part : "(anonymous namespace)";
        else if (tag == DW_TAG_class_type || tag == DW_TAG_structure_type || tag == DW_TAG_union_type)
            part = part != NULL ? part : gc_sym_has_call_operator(&scopes[i]) ? "{lambda}" : "{anonymous}";
        else if (tag == DW_TAG_subprogram)
            part = part != NULL ? part : "??";
        else
            continue; /* a lexical block: no name of its own */
        int k = snprintf(buf + len, cap - len, "%s::", part);
        if (k < 0 || (size_t)k >= cap - len) {
            len = 0; /* too long: the plain name */
            break;
        }
        len += (size_t)k;
    }
    free(scopes);
    if (len == 0 || (size_t)snprintf(buf + len, cap - len, "%s", name) >= cap - len)
        return name;
    return buf;
}

/* file as an absolute path: gcc names a unit's files in other
 * directories relative to its compilation directory (`gcc sub/x.c`: the
 * line table says sub/x.c), so that a report showed the main file's path
 * whole and a helper's as sub/x.c. Joined with the unit's DW_AT_comp_dir,
 * as Go's and ThreadSanitizer's reports show every file (and as
 * strip_path_prefix expects), in buf; file itself when it is absolute or
 * the unit names no directory. */
static const char *gc_sym_path(const char *file, const char *comp_dir, char *buf, size_t cap)
{
    if (file == NULL || file[0] == '/' || comp_dir == NULL || comp_dir[0] != '/')
        return file;
    while (file[0] == '.' && file[1] == '/')
        file += 2;
    size_t n = strlen(comp_dir);
    while (n > 1 && comp_dir[n - 1] == '/')
        n--;
    if ((size_t)snprintf(buf, cap, "%.*s/%s", (int)n, comp_dir, file) >= cap)
        return file;
    return buf;
}

/* The inlined frames at addr, innermost first, then the real function,
 * from the DWARF scopes (as eu-addr2line -i). Returns false without
 * DWARF for addr. */
static bool gc_sym_dwarf(struct gc_sym_work *w, Dwfl_Module *mod, Dwarf_Addr addr,
                         const struct gc_frame *proto, const char *symname)
{
    Dwarf_Addr bias;
    Dwarf_Die *cudie = dwfl_module_addrdie(mod, addr, &bias);
    if (cudie == NULL || dwarf_haspc(cudie, addr - bias) != 1)
        cudie = gc_sym_find_cu(mod, addr, &bias);
    if (cudie == NULL)
        return false;
    const char *file = NULL;
    int line = 0, column = 0, first = w->n;
    bool guessed = false;
    Dwarf_Attribute attr;
    const char *comp_dir = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &attr));
    static char path[PATH_MAX]; /* under gc_sym_lock, as gc_sym_resolve's w */
    Dwarf_Line *dl = dwarf_getsrc_die(cudie, addr - bias);
    if (dl != NULL && dwarf_lineno(dl, &line) == 0 && line == 0) {
        dl = gc_sym_line_before(cudie, addr - bias);
        guessed = dl != NULL;
    }
    if (dl != NULL) {
        file = gc_sym_path(dwarf_linesrc(dl, NULL, NULL), comp_dir, path, sizeof(path));
        dwarf_lineno(dl, &line);
        dwarf_linecol(dl, &column);
    }

    /* dwarf_getscopes continues an inlined instance with the scopes of
     * its abstract origin; the physical nesting comes from
     * dwarf_getscopes_die on the innermost scope. */
    Dwarf_Die *scopes = NULL;
    int ns = dwarf_getscopes(cudie, addr - bias, &scopes);
    Dwarf_Die inner;
    bool found = ns > 0;
    if (found)
        inner = scopes[0];
    free(scopes);
    scopes = NULL;
    /* None below the unit: the function may be defined inside a
     * namespace, which elfutils does not look into (clang puts a
     * function of an anonymous namespace there; gcc puts it at the top,
     * naming its declaration). */
    if (!found || dwarf_tag(&inner) == DW_TAG_compile_unit)
        found = gc_sym_innermost(cudie, addr - bias, &inner, 0) || found;
    ns = found ? dwarf_getscopes_die(&inner, &scopes) : 0;
    Dwarf_Files *files = NULL;
    if (ns > 0 && dwarf_getsrcfiles(cudie, &files, NULL) != 0)
        files = NULL;
    bool done = false, cxx = gc_sym_is_cxx(cudie);
    for (int i = 0; i < ns && !done; i++) {
        Dwarf_Die *die = &scopes[i];
        int tag = dwarf_tag(die);
        if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine)
            continue;
        const char *name = dwarf_diename(die);
        char qualified[512];
        if (name != NULL && cxx)
            name = gc_sym_qualified(die, name, qualified, sizeof(qualified));
        if (tag == DW_TAG_subprogram) {
            gc_sym_push(w, proto, name != NULL ? name : symname, file, line, column, false);
            done = true;
            break;
        }
        gc_sym_push(w, proto, name, file, line, column, true);
        /* The caller continues at this instance's call site. */
        Dwarf_Word v;
        file = NULL;
        if (files != NULL && gc_attr_udata(die, DW_AT_call_file, &v) == 0)
            file = gc_sym_path(dwarf_filesrc(files, v, NULL, NULL), comp_dir, path, sizeof(path));
        line = gc_attr_udata(die, DW_AT_call_line, &v) == 0 ? (int)v : 0;
        column = gc_attr_udata(die, DW_AT_call_column, &v) == 0 ? (int)v : 0;
    }
    free(scopes);
    if (!done) /* no enclosing subprogram: report the position under the symbol */
        gc_sym_push(w, proto, symname, file, line, column, false);
    if (guessed && w->n > first)
        w->frames[first].line_guessed = true;
    return true;
}

/* Symbolizes pc into a new cache entry; NULL when pc is in no module. */
static const struct gc_sym_entry *gc_sym_resolve(uintptr_t pc, bool is_ret)
{
    Dwarf_Addr addr = is_ret && pc > 0 ? pc - 1 : pc;
    Dwfl_Module *mod = gc_dwfl_module(addr);
    if (mod == NULL)
        return NULL;
    struct gc_frame proto = {.pc = pc};
    const char *modname = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    proto.module = gc_intern(modname);
    GElf_Addr elf_bias = 0;
    if (dwfl_module_getelf(mod, &elf_bias) != NULL)
        proto.module_base = (uintptr_t)elf_bias;
    GElf_Off off = 0;
    GElf_Sym sym;
    const char *symname = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
    proto.func_offset = symname != NULL ? pc - (uintptr_t)(addr - off) : pc - proto.module_base;

    static struct gc_sym_work w; /* under gc_sym_lock; too big for small stacks */
    w.n = 0;
    if (!gc_sym_dwarf(&w, mod, addr, &proto, symname))
        gc_sym_push(&w, &proto, symname, NULL, 0, 0, false);

    struct gc_sym_entry *e = malloc(sizeof(*e) + (size_t)w.n * sizeof(struct gc_frame));
    if (e == NULL)
        return NULL;
    e->pc = pc;
    e->is_return_address = is_ret;
    e->n = w.n;
    memcpy(e->frames, w.frames, (size_t)w.n * sizeof(struct gc_frame));
    struct gc_sym_entry **head = gc_sym_bucket(pc, is_ret);
    e->next = *head;
    *head = e;
    return e;
}

/*
 * libdw's line tables take some 150 KiB of stack to decode, more than a
 * goroutine may have (64 KiB with a small GOCHAN_STACK_SIZE, or a thread
 * the program made small): a report made there would run off its stack,
 * into a guard page or another thread's stack. Resolving therefore runs
 * on a stack of its own, switched to with swapcontext. One is enough, as
 * resolving happens under gc_sym_lock; it is mapped at the first use and
 * kept (a forked child inherits it).
 */
enum { GC_SYM_STACK_SIZE = 2 << 20 };
static void *gc_sym_stack; /* under gc_sym_lock, as is everything below */
static ucontext_t gc_sym_caller, gc_sym_callee;
static struct {
    uintptr_t pc;
    bool is_ret;
    const struct gc_sym_entry *result;
} gc_sym_call;

static void gc_sym_trampoline(void)
{
    gc_sym_call.result = gc_sym_resolve(gc_sym_call.pc, gc_sym_call.is_ret);
    /* Returning resumes gc_sym_caller (uc_link). */
}

static const struct gc_sym_entry *gc_sym_resolve_aside(uintptr_t pc, bool is_ret)
{
    if (gc_sym_stack == NULL) {
        void *p = mmap(NULL, GC_SYM_STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            return gc_sym_resolve(pc, is_ret); /* on the caller's stack, then */
        gc_sym_stack = p;
    }
    if (getcontext(&gc_sym_callee) != 0)
        return gc_sym_resolve(pc, is_ret);
    gc_sym_callee.uc_stack.ss_sp = gc_sym_stack;
    gc_sym_callee.uc_stack.ss_size = GC_SYM_STACK_SIZE;
    gc_sym_callee.uc_link = &gc_sym_caller;
    makecontext(&gc_sym_callee, gc_sym_trampoline, 0);
    gc_sym_call.pc = pc;
    gc_sym_call.is_ret = is_ret;
    gc_sym_call.result = NULL;
    if (swapcontext(&gc_sym_caller, &gc_sym_callee) != 0)
        return gc_sym_resolve(pc, is_ret);
    return gc_sym_call.result;
}

int gc_symbolize(uintptr_t pc, bool is_return_address,
                 int (*fn)(const struct gc_frame *frame, void *arg), void *arg)
{
    gc_lock(&gc_sym_lock);
    const struct gc_sym_entry *e = gc_sym_lookup(pc, is_return_address);
    if (e == NULL)
        e = gc_sym_resolve_aside(pc, is_return_address);
    gc_unlock(&gc_sym_lock);
    if (e == NULL) {
        struct gc_frame unknown = {.pc = pc, .function = "??", .func_offset = pc};
        fn(&unknown, arg);
        return 1;
    }
    for (int i = 0; i < e->n; i++) {
        if (fn(&e->frames[i], arg) != 0)
            return i + 1;
    }
    return e->n;
}

/* ------------------------------------------------------------------ */
/* Printing                                                             */
/* ------------------------------------------------------------------ */

/* A module named lib<name>.so (any directory, any version suffix). */
static bool gc_module_is(const char *module, const char *name)
{
    if (module == NULL)
        return false;
    const char *base = strrchr(module, '/');
    base = base != NULL ? base + 1 : module;
    size_t n = strlen(name);
    return strncmp(base, name, n) == 0 && (base[n] == '\0' || base[n] == '.');
}

/* Whether path (NULL: no) ends with one of the n suffixes. A file named
 * relative to its compilation directory ("detector/access.h") matches a
 * suffix that starts with a slash ("/detector/access.h") too. */
static bool path_ends_with_any(const char *path, const char *const *suffixes, size_t n)
{
    if (path == NULL)
        return false;
    size_t len = strlen(path);
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(suffixes[i]);
        if (len >= k && strcmp(path + len - k, suffixes[i]) == 0)
            return true;
        if (suffixes[i][0] == '/' && len == k - 1 && strcmp(path, suffixes[i] + 1) == 0)
            return true;
    }
    return false;
}

bool gc_frame_is_hidden(const struct gc_frame *frame)
{
    /* The race detector's own frames (its main wrapper, interceptors),
     * and libgochan's, as Go's tracebacks leave out the runtime's: a
     * goroutine was created at the program's go() call, not inside
     * go(); a panic happened at the program's chan_close(). (A program
     * linked with libgochan.a shows them: they are its own code then.) */
    if (gc_module_is(frame->module, "libcrace") || gc_module_is(frame->module, "libgochan"))
        return true;
    /* And libstdc++'s, as libc's thread start and malloc are: a thread's
     * stack begins at its body (not at std::thread's start routine), an
     * allocation's at the new expression (not in operator new), a
     * thread's creation at the std::thread constructor (not in
     * _M_start_thread), a copy libstdc++ makes at the program's call. */
    if (gc_module_is(frame->module, "libstdc++"))
        return true;
    /* And the OpenMP runtimes', for the same reasons: a parallel region's
     * body begins at the outlined function, and its threads were created
     * at the program's parallel construct. And their tool's (libarcher),
     * which the runtime calls back: the mutex it locks for an OpenMP lock
     * is locked at the program's omp_set_lock. */
    if (gc_module_is(frame->module, "libomp") || gc_module_is(frame->module, "libgomp") ||
        gc_module_is(frame->module, "libarcher"))
        return true;
    /* std::thread's and std::invoke's templates, instantiated in the
     * program from libstdc++'s headers: the calls between a thread's
     * start and its body (_M_run, _M_invoke, __invoke...), and the
     * std::thread constructor under a creation. They only forward. */
    static const char *const forwarders[] = {"/bits/std_thread.h", "/bits/invoke.h"};
    if (path_ends_with_any(frame->file, forwarders, sizeof(forwarders) / sizeof(forwarders[0])))
        return true;
    /* The detector's fast path, linked into instrumented programs
     * (libcrace_fast.a): a signal handler's stack may begin inside it,
     * where the signal interrupted an access check. The entry points are
     * all __tsan_*, and what they inline is the detector's (crace_*,
     * and the access.h, shadow.h and history.h helpers). */
    if (frame->function != NULL &&
        (strncmp(frame->function, "__tsan_", 7) == 0 || strncmp(frame->function, "crace_", 6) == 0))
        return true;
    static const char *const fast_path[] = {"/detector/access.h", "/detector/shadow.h", "/detector/history.h",
                                            "/detector/fast/tsan_fast.c"};
    if (path_ends_with_any(frame->file, fast_path, sizeof(fast_path) / sizeof(fast_path[0])))
        return true;
    static const char *const names[] = {
        "__libc_start_main", "__libc_start_main_impl", "__libc_start_call_main",
        "_start", "start_thread", "clone", "clone3", "__clone", "__clone3",
        /* libc's thread exit, which runs TLS destructors (pthread keys',
         * C++ thread_local objects'): a destructor's stack begins at it */
        "__nptl_deallocate_tsd", "__call_tls_dtors",
        /* libc's thread start for a SIGEV_THREAD timer's notification */
        "timer_sigev_thread",
        "gc_go_start", /* libgochan's goroutine trampoline (go.c) */
    };
    if (frame->function == NULL)
        return false;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(frame->function, names[i]) == 0)
            return true;
    }
    return false;
}

struct gc_print_state {
    int fd;
    const char *strip;
};

const char *gc_strip_path(const char *file, const char *strip)
{
    if (strip == NULL || *strip == '\0')
        return file;
    size_t len = strlen(strip);
    if (strncmp(file, strip, len) != 0)
        return file;
    file += len;
    while (*file == '/')
        file++;
    return file;
}

/* One frame as Go prints it: "f()\n\tfile:line +0xoff\n"; an inlined
 * call as "f(...)\n\tfile:line\n", also as Go does. */
static int gc_print_frame(const struct gc_frame *f, void *arg)
{
    const struct gc_print_state *st = arg;
    if (gc_frame_is_hidden(f))
        return 0;
    char buf[2048];
    int len;
    const char *fn = f->function != NULL ? f->function : "??";
    if (f->file != NULL && f->inlined)
        len = snprintf(buf, sizeof(buf), "%s(...)\n\t%s:%d\n", fn, gc_strip_path(f->file, st->strip),
                       f->line);
    else if (f->file != NULL)
        len = snprintf(buf, sizeof(buf), "%s()\n\t%s:%d +0x%lx\n", fn,
                       gc_strip_path(f->file, st->strip), f->line, (unsigned long)f->func_offset);
    else
        len = snprintf(buf, sizeof(buf), "%s()\n\t%s +0x%lx\n", fn,
                       f->module != NULL ? f->module : "??", (unsigned long)f->func_offset);
    if (len > 0)
        gc_write_all(st->fd, buf, (size_t)len < sizeof(buf) ? (size_t)len : sizeof(buf) - 1);
    return 0;
}

void gc_print_stack(int fd, const uintptr_t *pcs, size_t n, const char *strip)
{
    struct gc_print_state st = {.fd = fd, .strip = strip};
    for (size_t i = 0; i < n; i++)
        if (pcs[i]) /* no frame (a shadow-stack entry made with no caller) */
            gc_symbolize(pcs[i], true, gc_print_frame, &st);
}

void gc_symbolize_fork_lock(void)
{
    gc_lock(&gc_sym_lock);
}

void gc_symbolize_fork_unlock(void)
{
    gc_unlock(&gc_sym_lock);
}

void gc_symbolize_fork_reset(void)
{
    atomic_store_explicit(&gc_sym_lock.state, 0, memory_order_relaxed);
}
