/* module.c: the table of loaded modules and their instrumentation. */
#include "module.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdatomic.h>
#include <string.h>

#include "access.h"
#include "fork.h"
#include "lock.h"
#include "shimlock.h"
#include "rt.h"

struct module_range {
    uintptr_t lo, hi; /* executable segment */
    bool instrumented;
    bool program; /* the main program's (dl_iterate_phdr lists it first) */
    bool openmp_tool; /* LLVM's OpenMP tool, libarcher (openmp.c) */
    bool openmp_runtime; /* LLVM's OpenMP runtime, libomp */
};

/* An immutable snapshot, replaced whole when a module appears. Old
 * snapshots are kept (a reader may still hold one): a few per dlopen. */
struct module_table {
    uintptr_t tool_lo, tool_hi; /* the OpenMP tool's code, or 0, 0 */
    uintptr_t tool_data_lo, tool_data_hi; /* its writable segments (static data), or 0, 0 */
    uintptr_t omp_lo, omp_hi; /* the OpenMP runtime's code, or 0, 0 */
    size_t n;
    struct module_range r[];
};

static _Atomic(struct module_table *) table;
static gc_lock_t rebuild_lock = GC_LOCK_INIT;

/* The dynamic section's pointers: relocated in place by the loader for
 * writable dynamic sections, raw (module-relative) for the vDSO. */
static uintptr_t dyn_ptr(const struct dl_phdr_info *info, ElfW(Addr) v)
{
    return v < info->dlpi_addr ? info->dlpi_addr + v : v;
}

static bool relocs_name(const ElfW(Rela) *rel, size_t bytes, const ElfW(Sym) *symtab, const char *strtab,
                        const char *name)
{
    for (size_t i = 0; i < bytes / sizeof(*rel); i++) {
        size_t sym = ELF64_R_SYM(rel[i].r_info);
        if (sym && strcmp(strtab + symtab[sym].st_name, name) == 0)
            return true;
    }
    return false;
}

/* Does the module import name (a PLT or GOT relocation)? */
static bool imports(const struct dl_phdr_info *info, const ElfW(Dyn) *dyn, const char *name)
{
    const ElfW(Sym) *symtab = NULL;
    const char *strtab = NULL;
    const ElfW(Rela) *rela = NULL, *jmprel = NULL;
    size_t relasz = 0, pltrelsz = 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        switch (dyn->d_tag) {
        case DT_SYMTAB: symtab = (const ElfW(Sym) *)dyn_ptr(info, dyn->d_un.d_ptr); break;
        case DT_STRTAB: strtab = (const char *)dyn_ptr(info, dyn->d_un.d_ptr); break;
        case DT_RELA: rela = (const ElfW(Rela) *)dyn_ptr(info, dyn->d_un.d_ptr); break;
        case DT_RELASZ: relasz = dyn->d_un.d_val; break;
        case DT_JMPREL: jmprel = (const ElfW(Rela) *)dyn_ptr(info, dyn->d_un.d_ptr); break;
        case DT_PLTRELSZ: pltrelsz = dyn->d_un.d_val; break;
        default: break;
        }
    }
    if (!symtab || !strtab)
        return false;
    return (jmprel && relocs_name(jmprel, pltrelsz, symtab, strtab, name)) ||
           (rela && relocs_name(rela, relasz, symtab, strtab, name));
}

struct collect {
    struct module_range *r;
    size_t n, cap;
    size_t modules; /* visited so far */
    uintptr_t tool_data_lo, tool_data_hi;
};

static const ElfW(Dyn) *dynamic_section(const struct dl_phdr_info *info)
{
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
            return (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    return NULL;
}

/* Widens the span [*lo, *hi) (empty while *hi is 0) to [a, b). */
static void span_add(uintptr_t *lo, uintptr_t *hi, uintptr_t a, uintptr_t b)
{
    if (!*hi || a < *lo)
        *lo = a;
    if (b > *hi)
        *hi = b;
}

static int collect_one(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct collect *c = arg;
    const ElfW(Dyn) *dyn = dynamic_section(info);
    /* Instrumented code calls __tsan_func_entry in every function; a
     * module `crace cc` built has its own copy (libcrace_fast.a), which
     * imports the shim's crace_func_entry_slow instead. */
    bool instrumented =
        dyn && (imports(info, dyn, "__tsan_func_entry") || imports(info, dyn, "crace_func_entry_slow"));
    const char *base = strrchr(info->dlpi_name, '/');
    bool tool = strncmp(base ? base + 1 : info->dlpi_name, "libarcher", 9) == 0;
    bool omp = strncmp(base ? base + 1 : info->dlpi_name, "libomp", 6) == 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (tool && ph->p_type == PT_LOAD && (ph->p_flags & PF_W) && !(ph->p_flags & PF_X))
            span_add(&c->tool_data_lo, &c->tool_data_hi, info->dlpi_addr + ph->p_vaddr,
                     info->dlpi_addr + ph->p_vaddr + ph->p_memsz);
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 32;
            c->r = crace_realloc(c->r, c->cap * sizeof(c->r[0]));
        }
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        c->r[c->n++] = (struct module_range){lo, lo + ph->p_memsz, instrumented, c->modules == 0, tool, omp};
    }
    c->modules++;
    return 0;
}

static struct module_table *rebuild(void)
{
    struct collect c = {0};
    dl_iterate_phdr(collect_one, &c);
    struct module_table *t = crace_alloc(sizeof(*t) + c.n * sizeof(c.r[0]));
    t->n = c.n;
    if (c.n)
        memcpy(t->r, c.r, c.n * sizeof(c.r[0]));
    t->tool_lo = t->tool_hi = t->omp_lo = t->omp_hi = 0;
    t->tool_data_lo = c.tool_data_lo;
    t->tool_data_hi = c.tool_data_hi;
    for (size_t i = 0; i < c.n; i++) {
        if (c.r[i].openmp_runtime)
            span_add(&t->omp_lo, &t->omp_hi, c.r[i].lo, c.r[i].hi);
        if (c.r[i].openmp_tool)
            span_add(&t->tool_lo, &t->tool_hi, c.r[i].lo, c.r[i].hi);
    }
    crace_free(c.r);
    return t;
}

static const struct module_range *find(const struct module_table *t, uintptr_t pc)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (pc >= t->r[i].lo && pc < t->r[i].hi)
            return &t->r[i];
    return NULL;
}

/* module_of's look again, under rebuild_lock: out of line, so that the
 * common case (every malloc asks about its caller) saves no registers. */
static CRACE_NOINLINE const struct module_range *module_of_rebuilt(uintptr_t pc)
{
    crace_lock(&rebuild_lock);
    const struct module_range *m = find(atomic_load_explicit(&table, memory_order_relaxed), pc);
    if (!m) {
        struct module_table *t = rebuild();
        atomic_store_explicit(&table, t, memory_order_release);
        m = find(t, pc);
    }
    crace_unlock(&rebuild_lock);
    return m;
}

/* The module holding pc, looking again when it is not in the table. */
static inline const struct module_range *module_of(uintptr_t pc)
{
    const struct module_range *m = find(atomic_load_explicit(&table, memory_order_acquire), pc);
    return m ? m : module_of_rebuilt(pc);
}

bool crace_pc_instrumented(uintptr_t pc)
{
    const struct module_range *m = module_of(pc);
    return m && m->instrumented;
}

bool crace_pc_in_openmp_tool(uintptr_t pc)
{
    const struct module_table *t = atomic_load_explicit(&table, memory_order_acquire);
    return t && pc - t->tool_lo < t->tool_hi - t->tool_lo;
}

bool crace_pc_in_openmp_runtime(uintptr_t pc)
{
    const struct module_table *t = atomic_load_explicit(&table, memory_order_acquire);
    return t && pc - t->omp_lo < t->omp_hi - t->omp_lo;
}

bool crace_openmp_tool_own_lock(uintptr_t pc, uintptr_t lock)
{
    const struct module_table *t = atomic_load_explicit(&table, memory_order_acquire);
    return t && t->tool_hi && lock - t->tool_data_lo < t->tool_data_hi - t->tool_data_lo &&
           pc - t->tool_lo < t->tool_hi - t->tool_lo;
}

bool crace_pc_in_library(uintptr_t pc)
{
    const struct module_range *m = module_of(pc);
    return m && !m->instrumented && !m->program;
}

struct import_query {
    uintptr_t pc;
    const char *name;
    _Atomic uintptr_t *looked;
    bool imports;
};

static int query_one(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct import_query *q = arg;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || q->pc - (info->dlpi_addr + ph->p_vaddr) >= ph->p_memsz)
            continue;
        /* Racing callers may both look: harmless. */
        if (atomic_exchange_explicit(q->looked, info->dlpi_addr, memory_order_relaxed) != info->dlpi_addr) {
            const ElfW(Dyn) *dyn = dynamic_section(info);
            q->imports = dyn && imports(info, dyn, q->name);
        }
        return 1;
    }
    return 0;
}

bool crace_module_imports(uintptr_t pc, const char *name, _Atomic uintptr_t *looked)
{
    struct import_query q = {pc, name, looked, false};
    dl_iterate_phdr(query_one, &q);
    return q.imports;
}

/* rebuild_lock is held across dl_iterate_phdr, which takes the loader's
 * lock: rebuild_lock comes first, as in the fork's order (the loader's
 * locks are glibc's, after every prepare handler). */
void module_fork(enum crace_fork_phase phase)
{
    crace_fork_lock(&rebuild_lock, phase);
}

/* The ELF header of the module this code is linked into (libcrace.so;
 * the engine's unit tests: the test program), placed by the linker. */
extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

/* The shim's executable segment, from its program headers (no libc call:
 * this runs before anything is initialised). hi == 0: not computed yet. */
static _Atomic uintptr_t shim_text_lo, shim_text_hi;

static void shim_text_init(void)
{
    const ElfW(Ehdr) *eh = &__ehdr_start;
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)((const char *)eh + eh->e_phoff);
    uintptr_t bias = (uintptr_t)eh;
    for (unsigned i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
            bias = (uintptr_t)eh - ph[i].p_vaddr;
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_X))
            continue;
        uintptr_t start = bias + ph[i].p_vaddr;
        if (start < lo)
            lo = start;
        if (start + ph[i].p_memsz > hi)
            hi = start + ph[i].p_memsz;
    }
    atomic_store_explicit(&shim_text_lo, lo, memory_order_relaxed);
    atomic_store_explicit(&shim_text_hi, hi, memory_order_release);
}

bool crace_pc_in_shim(uintptr_t pc)
{
    uintptr_t hi = atomic_load_explicit(&shim_text_hi, memory_order_acquire);
    if (CRACE_UNLIKELY(hi == 0)) {
        shim_text_init();
        hi = atomic_load_explicit(&shim_text_hi, memory_order_acquire);
    }
    return pc < hi && pc >= atomic_load_explicit(&shim_text_lo, memory_order_relaxed);
}

/* The function entry and exit code of every module with the fast path
 * (CRACE_FAST_START), the shim's own apart. Entries are only added,
 * lock-free (the adder is a module's constructor, which may run under the
 * loader's lock): a reader sees an entry once its hi is stored. A module
 * unloaded and loaded again at the same place is found, not added again.
 * Past HIST_TEXT_MAX, every pc counts as inside, so that signals wait for
 * the next check (late, never wrong). */
#define HIST_TEXT_MAX 256
static struct {
    _Atomic uintptr_t lo, hi;
} hist_text[HIST_TEXT_MAX];
static _Atomic unsigned n_hist_text; /* entries taken, some maybe not filled yet */
static _Atomic bool hist_text_full;

static unsigned hist_text_count(void)
{
    unsigned n = atomic_load_explicit(&n_hist_text, memory_order_acquire);
    return n < HIST_TEXT_MAX ? n : HIST_TEXT_MAX;
}

CRACE_EXPORT void CRACE_FAST_START(uintptr_t lo, uintptr_t hi)
{
    if (lo >= hi)
        return;
    unsigned n = hist_text_count();
    for (unsigned i = 0; i < n; i++)
        if (atomic_load_explicit(&hist_text[i].hi, memory_order_acquire) == hi &&
            atomic_load_explicit(&hist_text[i].lo, memory_order_relaxed) == lo)
            return;
    unsigned i = atomic_fetch_add(&n_hist_text, 1);
    if (i >= HIST_TEXT_MAX) {
        atomic_store(&hist_text_full, true);
        return;
    }
    atomic_store_explicit(&hist_text[i].lo, lo, memory_order_relaxed);
    atomic_store_explicit(&hist_text[i].hi, hi, memory_order_release);
}

const char *crace_module_file(const void *addr)
{
    Dl_info info;
    return addr && dladdr(addr, &info) && info.dli_fname && info.dli_fname[0] ? info.dli_fname : NULL;
}

/* A module built by an older crace registering itself: its inlined fast
 * path reads the thread record as that version laid it out, and would
 * misread this one's (access.h, CRACE_FAST_START). */
static void __attribute__((noreturn)) old_fast_module(uintptr_t text)
{
    const char *file = crace_module_file((const void *)text);
    crace_fatal("%s was built by another version of crace: its inlined checks (fast path) do not match this "
                "libcrace.so's (version %d). Rebuild it with this version's `crace cc`, or run it with the "
                "libcrace.so of the crace that built it",
                file ? file : "the program", CRACE_FAST_ABI);
}

#define OLD_FAST_START(name)                                   \
    CRACE_EXPORT void name(uintptr_t lo, uintptr_t hi);         \
    CRACE_EXPORT void name(uintptr_t lo, uintptr_t hi)          \
    {                                                          \
        (void)hi;                                              \
        old_fast_module(lo);                                   \
    }
CRACE_FAST_OLD_STARTS(OLD_FAST_START)
#undef OLD_FAST_START

/* What a symbol of the sanitizers' runtimes says of the one loaded. */
static const struct {
    const char *symbol, *name, *flag;
} sanitizer_runtimes[] = {
    {"__asan_init", "AddressSanitizer's", "-fsanitize=address"},
    {"__hwasan_init", "HWAddressSanitizer's", "-fsanitize=hwaddress"},
    {"__msan_init", "MemorySanitizer's", "-fsanitize=memory"},
    {"__lsan_init", "LeakSanitizer's", "-fsanitize=leak"},
};

void crace_refuse_sanitizer_runtime(void)
{
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    /* The engine built alone under gcc's ThreadSanitizer or
     * AddressSanitizer (make san-test), without interceptors: the
     * sanitizer is meant to be there. */
    return;
#endif
    /* Every one of those runtimes intercepts pthread_create under this
     * name; crace's interceptors have other names. */
    void *interceptor = dlsym(RTLD_DEFAULT, "__interceptor_pthread_create");
    if (!interceptor)
        return;
    const char *name = "ThreadSanitizer's", *flag = "-fsanitize=thread";
    for (size_t i = 0; i < sizeof(sanitizer_runtimes) / sizeof(sanitizer_runtimes[0]); i++)
        if (dlsym(RTLD_DEFAULT, sanitizer_runtimes[i].symbol)) {
            name = sanitizer_runtimes[i].name;
            flag = sanitizer_runtimes[i].flag;
            break;
        }
    const char *file = crace_module_file(interceptor);
    bool tsan = strcmp(flag, "-fsanitize=thread") == 0;
    crace_fatal("the program carries %s runtime (in %s, from %s): it intercepts the calls crace's detector "
                "intercepts, and the two cannot run in one process. Build the program with `crace cc` "
                "(CC='crace cc') %s %s, or run it without crace",
                name, file ? file : "the program itself", flag, tsan ? "in place of" : "and without", flag);
}

bool crace_pc_in_hist_text(uintptr_t pc)
{
    if (pc >= (uintptr_t)__start_crace_hist_text && pc < (uintptr_t)__stop_crace_hist_text)
        return true;
    if (atomic_load_explicit(&hist_text_full, memory_order_relaxed))
        return true;
    unsigned n = hist_text_count();
    for (unsigned i = 0; i < n; i++)
        if (pc < atomic_load_explicit(&hist_text[i].hi, memory_order_acquire) &&
            pc >= atomic_load_explicit(&hist_text[i].lo, memory_order_relaxed))
            return true;
    return false;
}
