/*
 * cmd_cc.c: `crace cc ARGS...`, a drop-in C compiler that instruments for
 * the detector but links the no-op stub instead of a tsan runtime.
 *
 * Compile steps get -fsanitize=thread, plus -g and frame pointers, which
 * reports need. Link steps must not get it: gcc would then link libtsan and
 * clang its static runtime, a second detector that would fight the preloaded
 * one. They get libcrace_stub.so and an rpath to it instead, so the binary
 * runs natively. The compilers cannot both be told "instrument, but do not
 * link the runtime" (clang has -fno-sanitize-link-runtime, gcc nothing), so
 * a command that compiles and links at once is split: each source is
 * compiled to a temporary object, then the original command links those
 * objects in the sources' places.
 *
 * Splitting needs to know which argument is a source, which is an option's
 * value, and which options belong to which step. CC_OPTIONS holds that
 * knowledge; an option not listed goes to every step, as the compiler
 * driver itself would give it to every stage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cmd.h"
#include "exec_target.h"

/* Set in the compiler's environment: seeing it on entry means the compiler
 * we chose runs crace cc again, which would recurse without end. */
#define CC_ACTIVE_ENV "CRACE_CC_ACTIVE"

/* Response files (@file) may name further ones; this many levels are
 * followed, as a guard against a file that names itself. */
enum { CC_RSP_MAX_DEPTH = 16 };

/* ------------------------------------------------ what an argument is */

/* How an option carries its value. */
enum cc_form {
    CC_FLAG,               /* "-c": exactly this, no value */
    CC_JOINED,             /* "-Wl,..": value attached */
    CC_SEPARATE,           /* "-Xlinker V": value is the next argument */
    CC_JOINED_OR_SEPARATE, /* "-oV" or "-o V" */
};

/* Which step an argument belongs to when a command is split. */
enum cc_class {
    CC_BOTH,     /* every step: -O2, -pthread, -m64, -f..., unlisted options */
    CC_COMPILE,  /* compile steps: -I, -D, -Wa,... */
    CC_DEPS,     /* compile steps, with the names the unsplit command used */
    CC_LINK,     /* the link step: -l, -L, -Wl,... */
    CC_OUTPUT,   /* -o: the link step; compile steps write temporaries */
    CC_LANG,     /* -x: restated before each source it applies to */
    CC_STOP,     /* -c, -S, -E, -M, -MM: no link step at all */
    CC_SANITIZE, /* -fsanitize=: compile steps; "thread" removed at link */
    CC_DROP,     /* -static-libtsan: would link libtsan; removed */
    CC_STATIC,   /* -static: refused when linking, LD_PRELOAD needs ld.so */
    CC_PARTIAL,  /* -r: a relocatable link, which takes no shared library */
    CC_LTO,      /* -flto: every step, but compile steps undo it (see push_overrides) */
    CC_SOURCE,   /* an input file that is compiled */
    CC_HEADER,   /* an input header: a precompiled header, never linked */
    CC_INPUT,    /* any other input file: objects, archives, libraries */
};

/*
 * The options that do not simply go to every step, or take a separate
 * value: X(spelling, form, class). The longest matching spelling wins, so
 * "-undef" is not "-u ndef" and "-MF" is not "-M".
 */
#define CC_OPTIONS(X)                                                                   \
    X("-o", CC_JOINED_OR_SEPARATE, CC_OUTPUT)                                           \
    X("--output", CC_SEPARATE, CC_OUTPUT)                                               \
    X("--output=", CC_JOINED, CC_OUTPUT)                                                \
    X("-x", CC_JOINED_OR_SEPARATE, CC_LANG)                                             \
    X("--language", CC_SEPARATE, CC_LANG)                                               \
    X("--language=", CC_JOINED, CC_LANG)                                                \
    X("-c", CC_FLAG, CC_STOP)                                                           \
    X("-S", CC_FLAG, CC_STOP)                                                           \
    X("-E", CC_FLAG, CC_STOP)                                                           \
    X("-M", CC_FLAG, CC_STOP)                                                           \
    X("-MM", CC_FLAG, CC_STOP)                                                          \
    X("-fsyntax-only", CC_FLAG, CC_STOP)                                                \
    X("--compile", CC_FLAG, CC_STOP)                                                    \
    X("--assemble", CC_FLAG, CC_STOP)                                                   \
    X("--preprocess", CC_FLAG, CC_STOP)                                                 \
    X("-MD", CC_FLAG, CC_DEPS)                                                          \
    X("-MMD", CC_FLAG, CC_DEPS)                                                         \
    X("-MP", CC_FLAG, CC_DEPS)                                                          \
    X("-MG", CC_FLAG, CC_DEPS)                                                          \
    X("-MF", CC_JOINED_OR_SEPARATE, CC_DEPS)                                            \
    X("-MT", CC_JOINED_OR_SEPARATE, CC_DEPS)                                            \
    X("-MQ", CC_JOINED_OR_SEPARATE, CC_DEPS)                                            \
    X("-I", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                          \
    X("-D", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                          \
    X("-U", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                          \
    X("-A", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                          \
    X("-include", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                    \
    X("-imacros", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                    \
    X("-isystem", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                    \
    X("-isystem-after", CC_SEPARATE, CC_COMPILE)                                        \
    X("-iquote", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                     \
    X("-idirafter", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                  \
    X("-iprefix", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                    \
    X("-iwithprefix", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                \
    X("-iwithprefixbefore", CC_JOINED_OR_SEPARATE, CC_COMPILE)                          \
    X("-imultilib", CC_JOINED_OR_SEPARATE, CC_COMPILE)                                  \
    X("-undef", CC_FLAG, CC_COMPILE)                                                    \
    X("-nostdinc", CC_FLAG, CC_COMPILE)                                                 \
    X("-nostdinc++", CC_FLAG, CC_COMPILE)                                               \
    X("-Wp,", CC_JOINED, CC_COMPILE)                                                    \
    X("-Xpreprocessor", CC_SEPARATE, CC_COMPILE)                                        \
    X("-Wa,", CC_JOINED, CC_COMPILE)                                                    \
    X("-Xassembler", CC_SEPARATE, CC_COMPILE)                                           \
    X("-aux-info", CC_SEPARATE, CC_COMPILE)                                             \
    X("-l", CC_JOINED_OR_SEPARATE, CC_LINK)                                             \
    X("-L", CC_JOINED_OR_SEPARATE, CC_LINK)                                             \
    X("-Wl,", CC_JOINED, CC_LINK)                                                       \
    X("-Xlinker", CC_SEPARATE, CC_LINK)                                                 \
    X("-u", CC_JOINED_OR_SEPARATE, CC_LINK)                                             \
    X("-T", CC_JOINED_OR_SEPARATE, CC_LINK)                                             \
    X("-z", CC_JOINED_OR_SEPARATE, CC_LINK)                                             \
    X("-e", CC_SEPARATE, CC_LINK)                                                       \
    X("--entry=", CC_JOINED, CC_LINK)                                                   \
    X("-shared", CC_FLAG, CC_LINK)                                                      \
    X("-shared-libgcc", CC_FLAG, CC_LINK)                                               \
    X("-static-libgcc", CC_FLAG, CC_LINK)                                               \
    X("-static-libstdc++", CC_FLAG, CC_LINK)                                            \
    X("-rdynamic", CC_FLAG, CC_LINK)                                                    \
    X("-pie", CC_FLAG, CC_LINK)                                                         \
    X("-no-pie", CC_FLAG, CC_LINK)                                                      \
    X("-nostdlib", CC_FLAG, CC_LINK)                                                    \
    X("-nostartfiles", CC_FLAG, CC_LINK)                                                \
    X("-nodefaultlibs", CC_FLAG, CC_LINK)                                               \
    X("-nolibc", CC_FLAG, CC_LINK)                                                      \
    X("-s", CC_FLAG, CC_LINK)                                                           \
    X("-symbolic", CC_FLAG, CC_LINK)                                                    \
    X("-fuse-ld=", CC_JOINED, CC_LINK)                                                  \
    X("--ld-path=", CC_JOINED, CC_LINK)                                                 \
    X("-rtlib=", CC_JOINED, CC_LINK)                                                    \
    X("-unwindlib=", CC_JOINED, CC_LINK)                                                \
    X("-r", CC_FLAG, CC_PARTIAL)                                                        \
    X("-fsanitize=", CC_JOINED, CC_SANITIZE)                                            \
    X("-static-libtsan", CC_FLAG, CC_DROP)                                              \
    X("-static", CC_FLAG, CC_STATIC)                                                    \
    X("-static-pie", CC_FLAG, CC_STATIC)                                                \
    X("-flto", CC_FLAG, CC_LTO)                                                         \
    X("-flto=", CC_JOINED, CC_LTO)                                                      \
    X("-B", CC_JOINED_OR_SEPARATE, CC_BOTH)                                             \
    X("--sysroot", CC_SEPARATE, CC_BOTH)                                                \
    X("-isysroot", CC_JOINED_OR_SEPARATE, CC_BOTH)                                      \
    X("-target", CC_SEPARATE, CC_BOTH)                                                  \
    X("-gcc-toolchain", CC_SEPARATE, CC_BOTH)                                           \
    X("-Xclang", CC_SEPARATE, CC_BOTH)                                                  \
    X("-mllvm", CC_SEPARATE, CC_BOTH)                                                   \
    X("--param", CC_SEPARATE, CC_BOTH)                                                  \
    X("-dumpbase", CC_SEPARATE, CC_BOTH)                                                \
    X("-dumpbase-ext", CC_SEPARATE, CC_BOTH)                                            \
    X("-dumpdir", CC_SEPARATE, CC_BOTH)

struct cc_option {
    const char *spelling;
    enum cc_form form;
    enum cc_class cls;
};

static const struct cc_option cc_options[] = {
#define CC_OPTION_ENTRY(spelling, form, cls) {spelling, form, cls},
    CC_OPTIONS(CC_OPTION_ENTRY)
#undef CC_OPTION_ENTRY
};
enum { CC_N_OPTIONS = sizeof cc_options / sizeof cc_options[0] };

/* Input files by extension: what the driver compiles, and headers. */
static const char *const source_exts[] = {"c",  "i",  "cc", "cp", "cxx", "cpp", "CPP",
                                          "c++", "C", "ii", "s",  "S",   "sx",  "m",
                                          "mi", "mm", "M",  "mii", NULL};
static const char *const header_exts[] = {"h", "hh", "H", "hp", "hxx", "hpp", "HPP", "h++",
                                          "tcc", NULL};

/*
 * The -g spellings that do not turn debug information on (they only tune
 * it, or are other options that start with g). Any other -g... does, and
 * then crace does not add its own -g.
 */
static const char *const g_tuning_prefixes[] = {
    "-gz", "-gno-", "-gcolumn-info", "-gsplit-dwarf", "-grecord-", "-gstrict-dwarf",
    "-gpubnames", "-ggnu-pubnames", "-gas-", "-ginline-points", "-gstatement-frontiers",
    "-gvariable-location-views", "-gdescribe-dies", "-ginternal-reset-location-views",
    "-gdwarf32", "-gdwarf64", "-gembed-source", "-gcc-toolchain", NULL};

/* ------------------------------------------------ the parsed command */

/* One argument, or an option together with its separate value. */
struct cc_item {
    int first;                   /* index in cc_cmd.args */
    int count;                   /* 1, or 2 for an option and its separate value */
    enum cc_class cls;
    const struct cc_option *opt; /* NULL for an input or an unlisted option */
    const char *lang;            /* for a source: the -x language in force, or NULL */
    char *object;                /* for a source in a split build: its temporary object */
};

/* Invariant: items cover args.v[0..args.n) in order, without overlap. */
struct cc_cmd {
    crace_argv compiler; /* the compiler and the arguments in $CRACE_CC or $CC */
    crace_argv args;     /* the user's arguments, response files expanded */
    crace_argv owned;    /* strings allocated here, freed at the end */
    struct cc_item *items;
    size_t nitems;

    /* What the arguments say, gathered while parsing. */
    size_t nsources, nheaders, ninputs;
    bool stop;               /* -c, -S, -E, -M, -MM: no link */
    bool partial;            /* -r */
    const char *static_arg;  /* "-static" when given */
    bool has_debug;          /* a -g that turns debug info on */
    bool has_split_dwarf;    /* -gsplit-dwarf */
    bool has_lto;            /* -flto */
    bool has_md;             /* -MD or -MMD */
    bool has_mf;             /* -MF */
    bool has_mt;             /* -MT or -MQ */
    const char *output;      /* -o's value, or NULL */
    bool verbose;            /* CRACE_CC_VERBOSE: print each command */
    bool is_gcc;             /* compiler_is_gcc */
    bool has_openmp;         /* -fopenmp */
    char *gcc_plugin;        /* "-fplugin=..." for this gcc, or NULL (find_gcc_plugin) */
    char *tmpdir;            /* for a split build's objects, or NULL */
};

/* Keeps s to be freed with c; returns it. */
static char *owned(struct cc_cmd *c, char *s)
{
    crace_argv_push(&c->owned, s);
    return s;
}

/* ------------------------------------------------ response files */


/*
 * Splits a response file into arguments as gcc's driver does (libiberty's
 * buildargv): white space separates, single and double quotes group, and
 * a backslash takes the next character literally, inside quotes too.
 * Edits text in place; the arguments point into it.
 */
static void split_response(char *text, crace_argv *out)
{
    char *p = text;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
            p++;
        if (!*p)
            return;
        char *arg = p, *w = p;
        char quote = 0;
        for (; *p; p++) {
            if (*p == '\\' && p[1]) {
                *w++ = *++p;
            } else if (quote) {
                if (*p == quote)
                    quote = 0;
                else
                    *w++ = *p;
            } else if (*p == '\'' || *p == '"') {
                quote = *p;
            } else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' ||
                       *p == '\v') {
                break;
            } else {
                *w++ = *p;
            }
        }
        bool more = *p != '\0';
        *w = '\0';
        crace_argv_push(out, arg);
        if (!more)
            return;
        p++;
    }
}

/*
 * Appends argv to c->args with each readable @file replaced by its
 * arguments. Crace must see them: a -c or a source hidden in a response
 * file decides whether and how the command is split. An unreadable @file
 * stays as it is, as the driver leaves it.
 */
static void expand_args(struct cc_cmd *c, int argc, char **argv, int depth)
{
    for (int i = 0; i < argc; i++) {
        char *text = NULL;
        if (argv[i][0] == '@' && depth < CC_RSP_MAX_DEPTH)
            text = crace_read_file(argv[i] + 1, NULL);
        if (!text) {
            crace_argv_push(&c->args, argv[i]);
            continue;
        }
        owned(c, text);
        crace_argv inner = {0};
        split_response(text, &inner);
        expand_args(c, (int)inner.n, inner.v, depth + 1);
        crace_argv_free(&inner);
    }
}

/* ------------------------------------------------ parsing */

static const struct cc_option *match_option(const char *arg)
{
    const struct cc_option *best = NULL;
    size_t best_len = 0;
    for (int i = 0; i < CC_N_OPTIONS; i++) {
        const struct cc_option *o = &cc_options[i];
        size_t len = strlen(o->spelling);
        bool hit = false;
        switch (o->form) {
        case CC_FLAG:
        case CC_SEPARATE:
            hit = strcmp(arg, o->spelling) == 0;
            break;
        case CC_JOINED:
        case CC_JOINED_OR_SEPARATE:
            hit = strncmp(arg, o->spelling, len) == 0;
            break;
        }
        if (hit && len > best_len) {
            best = o;
            best_len = len;
        }
    }
    return best;
}

/* The option's value, or NULL for a flag or a missing value. */
static const char *option_value(const struct cc_cmd *c, const struct cc_item *it)
{
    const char *arg = c->args.v[it->first];
    const char *joined = arg + strlen(it->opt->spelling);
    switch (it->opt->form) {
    case CC_FLAG:
        return NULL;
    case CC_JOINED:
        return joined;
    case CC_SEPARATE:
        return it->count == 2 ? c->args.v[it->first + 1] : NULL;
    case CC_JOINED_OR_SEPARATE:
        if (*joined)
            return joined;
        return it->count == 2 ? c->args.v[it->first + 1] : NULL;
    }
    return NULL;
}

/* The extension of path's last component, or "" when it has none. */
static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? dot + 1 : "";
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static bool enables_debug_info(const char *arg)
{
    if (strncmp(arg, "-g", 2) != 0)
        return false;
    for (const char *const *p = g_tuning_prefixes; *p; p++)
        if (strncmp(arg, *p, strlen(*p)) == 0)
            return false;
    /* -g0 counts too: the user chose to have none. */
    return true;
}

/* What an input file is, given the -x language in force. */
static enum cc_class classify_input(const char *path, const char *lang)
{
    /* "-" is standard input, which the driver reads only under -x. */
    if (lang || strcmp(path, "-") == 0)
        return CC_SOURCE;
    const char *ext = extension(path);
    if (in_list(ext, source_exts))
        return CC_SOURCE;
    if (in_list(ext, header_exts))
        return CC_HEADER;
    return CC_INPUT;
}

static void note_option(struct cc_cmd *c, struct cc_item *it, const char **lang)
{
    const char *arg = c->args.v[it->first];
    const char *value = it->opt ? option_value(c, it) : NULL;
    switch (it->cls) {
    case CC_STOP:
        c->stop = true;
        break;
    case CC_PARTIAL:
        c->partial = true;
        break;
    case CC_STATIC:
        c->static_arg = arg;
        break;
    case CC_OUTPUT:
        c->output = value;
        break;
    case CC_LANG:
        *lang = value && strcmp(value, "none") != 0 ? value : NULL;
        break;
    case CC_DEPS:
        if (strcmp(arg, "-MD") == 0 || strcmp(arg, "-MMD") == 0)
            c->has_md = true;
        else if (strncmp(arg, "-MF", 3) == 0)
            c->has_mf = true;
        else if (strncmp(arg, "-MT", 3) == 0 || strncmp(arg, "-MQ", 3) == 0)
            c->has_mt = true;
        break;
    case CC_BOTH:
        if (enables_debug_info(arg))
            c->has_debug = true;
        if (strcmp(arg, "-fopenmp") == 0)
            c->has_openmp = true;
        if (strncmp(arg, "-gsplit-dwarf", strlen("-gsplit-dwarf")) == 0)
            c->has_split_dwarf = true;
        break;
    case CC_LTO:
        c->has_lto = true;
        break;
    case CC_COMPILE:
    case CC_LINK:
    case CC_SANITIZE:
    case CC_DROP:
    case CC_SOURCE:
    case CC_HEADER:
    case CC_INPUT:
        break;
    }
}

/* Splits c->args into items and gathers what they say. */
static void parse(struct cc_cmd *c)
{
    c->items = crace_xmalloc((c->args.n + 1) * sizeof *c->items);
    const char *lang = NULL;
    for (int i = 0; i < (int)c->args.n;) {
        const char *arg = c->args.v[i];
        struct cc_item *it = &c->items[c->nitems++];
        *it = (struct cc_item){.first = i, .count = 1};
        if (arg[0] != '-' || arg[1] == '\0') {
            it->cls = classify_input(arg, lang);
            it->lang = lang;
            c->ninputs++;
            c->nsources += it->cls == CC_SOURCE;
            c->nheaders += it->cls == CC_HEADER;
            i++;
            continue;
        }
        it->opt = match_option(arg);
        it->cls = it->opt ? it->opt->cls : CC_BOTH;
        if (it->opt && i + 1 < (int)c->args.n &&
            (it->opt->form == CC_SEPARATE ||
             (it->opt->form == CC_JOINED_OR_SEPARATE && !arg[strlen(it->opt->spelling)])))
            it->count = 2;
        note_option(c, it, &lang);
        i += it->count;
    }
}

/* ------------------------------------------------ choosing the compiler */

/* The file prog runs (a name searched in PATH as exec does, or a path),
 * symbolic links followed: malloc'd, or NULL when there is none. */
static char *resolve(const char *prog)
{
    char file[PATH_MAX];
    return exec_target_search(prog, getenv("PATH"), file, sizeof file) ? realpath(file, NULL) : NULL;
}

/* Whether prog (a name searched in PATH, or a path) is crace itself. */
static bool is_crace(const char *prog)
{
    const char *slash = strrchr(prog, '/');
    if (strcmp(slash ? slash + 1 : prog, "crace") == 0)
        return true;
    const char *self = crace_self_exe();
    if (!self)
        return false;
    char *real = resolve(prog);
    bool same = real && strcmp(real, self) == 0;
    free(real);
    return same;
}

/* Whether the compiler is gcc, told by the name of the file it runs
 * (Debian's cc is gcc by way of symbolic links; a wrapper such as ccache
 * comes before the compiler's own word): a word naming gcc, none naming
 * clang. Only for options one of them would reject. */
static bool compiler_is_gcc(const struct cc_cmd *c)
{
    bool gcc = false;
    for (size_t i = 0; i < c->compiler.n; i++) {
        char *real = resolve(c->compiler.v[i]);
        const char *name = real ? strrchr(real, '/') + 1 : c->compiler.v[i];
        if (strstr(name, "clang")) {
            free(real);
            return false;
        }
        gcc |= strstr(name, "gcc") != NULL;
        free(real);
    }
    return gcc;
}

/* Splits a $CC-style value ("gcc -m32") at white space, appending to out. */
static void split_words(struct cc_cmd *c, const char *value, crace_argv *out)
{
    char *copy = owned(c, crace_xstrdup(value));
    char *save = NULL;
    for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
        crace_argv_push(out, w);
}

/*
 * $CRACE_CC, else $CC unless that is crace itself (`CC='crace cc' make`
 * exports exactly that to us), else cc. Returns false after an error.
 */
static bool choose_compiler(struct cc_cmd *c)
{
    const char *env = getenv("CRACE_CC");
    if (env && *env) {
        split_words(c, env, &c->compiler);
        if (c->compiler.n && !is_crace(c->compiler.v[0]))
            return true;
        fprintf(stderr,
                "crace cc: CRACE_CC='%s' is not a compiler; set it to one, e.g. gcc or clang\n",
                env);
        return false;
    }
    env = getenv("CC");
    if (env && *env) {
        crace_argv words = {0};
        split_words(c, env, &words);
        bool usable = words.n && !is_crace(words.v[0]);
        for (size_t i = 0; usable && i < words.n; i++)
            crace_argv_push(&c->compiler, words.v[i]);
        crace_argv_free(&words);
        if (usable)
            return true;
    }
    crace_argv_push(&c->compiler, "cc");
    return true;
}

/* ------------------------------------------------ running */

static void push_compiler(const struct cc_cmd *c, crace_argv *out)
{
    for (size_t i = 0; i < c->compiler.n; i++)
        crace_argv_push(out, c->compiler.v[i]);
}

/* What every compile step gets, placed before the user's arguments so
 * that an explicit -fno-sanitize=thread or -fomit-frame-pointer wins. */
static void push_instrumentation(const struct cc_cmd *c, crace_argv *out)
{
    crace_argv_push(out, "-fsanitize=thread");
    crace_argv_push(out, "-fno-omit-frame-pointer");
    /* Calls into the shim (every __tsan_readN/writeN) through the GOT
     * rather than a PLT stub: one jump fewer per access, 8 % of a gcc
     * build's time on plain accesses (clang keeps the PLT for the calls
     * its instrumentation makes). */
    crace_argv_push(out, "-fno-plt");
    /* gcc expands constant-size memcpy/memmove/memset inline (rep movs,
     * rep stos) without instrumenting them: as calls they reach the
     * shim's interceptors and are race-checked. */
    crace_argv_push(out, "-fno-builtin-memcpy");
    crace_argv_push(out, "-fno-builtin-memmove");
    crace_argv_push(out, "-fno-builtin-memset");
    if (c->is_gcc) {
        /* gcc also expands string functions inline after its
         * instrumentation: a strcpy or strcat of a literal into a buffer
         * becomes plain stores, a short memcmp or strcmp plain loads, and
         * races on them went unseen (clang instruments what it expands).
         * strlen stays a builtin: its folding of a literal is a constant,
         * and reads only that literal. */
        static const char *const string_builtins[] = {
            "-fno-builtin-strcpy",  "-fno-builtin-stpcpy", "-fno-builtin-strncpy", "-fno-builtin-stpncpy",
            "-fno-builtin-strcat",  "-fno-builtin-strncat", "-fno-builtin-memcmp", "-fno-builtin-bcmp",
            "-fno-builtin-strcmp",  "-fno-builtin-strncmp", "-fno-builtin-mempcpy",
        };
        for (size_t i = 0; i < sizeof(string_builtins) / sizeof(string_builtins[0]); i++)
            crace_argv_push(out, string_builtins[i]);
        /* gcc warns that -fsanitize=thread does not support
         * atomic_thread_fence (libtsan ignores fences): crace does, and
         * the warning would stop a -Werror build. */
        crace_argv_push(out, "-Wno-tsan");
    }
    if (c->gcc_plugin)
        crace_argv_push(out, c->gcc_plugin);
    /* Reports need file:line. */
    if (!c->has_debug)
        crace_argv_push(out, "-g");
}

/*
 * What compile steps get after the user's arguments, to undo options that
 * would lose the instrumentation or the debug information.
 */
static void push_overrides(const struct cc_cmd *c, crace_argv *out, bool split)
{
    /* gcc instruments LTO objects only at link time, and only when the link
     * has -fsanitize=thread, which would link libtsan: the program would
     * silently carry no instrumentation. Race-detection builds do not need
     * LTO, so objects hold real code. */
    if (c->has_lto)
        crace_argv_push(out, "-fno-lto");
    /* The .dwo files would be written next to the temporary objects and
     * removed with them. */
    if (split && c->has_split_dwarf)
        crace_argv_push(out, "-gno-split-dwarf");
}

/* Runs one command; returns its exit status, or 1 when the compiler is
 * missing. */
static int run(const struct cc_cmd *c, crace_argv *cmd)
{
    if (c->verbose) {
        fputs("crace cc:", stderr);
        for (size_t i = 0; i < cmd->n; i++)
            fprintf(stderr, " %s", cmd->v[i]);
        fputc('\n', stderr);
    }
    int status = crace_spawn(cmd->v, NULL);
    if (status >= 0)
        return status;
    if (errno == ENOENT)
        fprintf(stderr, "crace cc: compiler '%s' not found; set CRACE_CC or CC to a C compiler\n",
                cmd->v[0]);
    else
        fprintf(stderr, "crace cc: cannot run compiler '%s': %s\n", cmd->v[0], strerror(errno));
    return CRACE_EXIT_USAGE;
}

/* The user's arguments with the instrumentation added: -c, -S, -E, and
 * commands without input files (--version, -print-file-name=...). */
static int run_unsplit(struct cc_cmd *c, bool instrument)
{
    crace_argv cmd = {0};
    push_compiler(c, &cmd);
    if (instrument)
        push_instrumentation(c, &cmd);
    for (size_t i = 0; i < c->args.n; i++)
        crace_argv_push(&cmd, c->args.v[i]);
    if (instrument)
        push_overrides(c, &cmd, false);
    int status = run(c, &cmd);
    crace_argv_free(&cmd);
    return status;
}

/* "-fsanitize=thread,undefined" -> "-fsanitize=undefined"; NULL when
 * nothing is left. */
static const char *without_thread(struct cc_cmd *c, const char *arg)
{
    size_t prefix = strlen("-fsanitize=");
    char *out = owned(c, crace_xstrdup(arg)); /* the result is never longer */
    char *copy = crace_xstrdup(arg + prefix);
    char *w = out + prefix;
    char *save = NULL;
    for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
        if (strcmp(s, "thread") == 0)
            continue;
        if (w != out + prefix)
            *w++ = ',';
        w = stpcpy(w, s);
    }
    free(copy);
    *w = '\0';
    return w == out + prefix ? NULL : out;
}

/* The first line the compiler prints for arg (-print-file-name=...),
 * malloc'd, or NULL when it cannot be run or prints nothing. */
static char *compiler_output(const struct cc_cmd *c, const char *arg)
{
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    crace_argv cmd = {0};
    push_compiler(c, &cmd);
    crace_argv_push(&cmd, arg);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execvp(cmd.v[0], cmd.v);
        _exit(127);
    }
    close(fds[1]);
    crace_argv_free(&cmd);
    char buf[4096];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof(buf) - 1 && ((n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
        len += n > 0 ? (size_t)n : 0;
    close(fds[0]);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return NULL;
    buf[len] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return buf[0] ? crace_xstrdup(buf) : NULL;
}

/*
 * The -fplugin= argument that loads crace's gcc plugin (it drops the read
 * check of a statement that also writes what it read, and the function
 * entry and exit of a path that returns at once, as clang's build makes
 * them: detector/gcc_plugin/), or NULL. A plugin runs only in the gcc it was
 * built for, so it is looked for under the exact version this gcc reports;
 * none there (another gcc, or no plugin headers when crace was built)
 * leaves gcc's instrumentation as it is: slower, never less checked.
 */
static char *find_gcc_plugin(struct cc_cmd *c)
{
    const char *libdir = crace_libdir();
    char *version = libdir ? compiler_output(c, "-dumpfullversion") : NULL;
    if (!version || strchr(version, '/')) {
        free(version);
        return NULL;
    }
    char *path = crace_xasprintf("%s/crace-gcc-plugin/%s/crace_gcc_plugin.so", libdir, version);
    free(version);
    char *arg = access(path, R_OK) == 0 ? owned(c, crace_xasprintf("-fplugin=%s", path)) : NULL;
    free(path);
    return arg;
}

/*
 * A program gcc builds with -fopenmp calls GCC's OpenMP runtime (GOMP_*),
 * whose synchronisation the detector cannot see (detector/openmp.c). LLVM's
 * runtime implements the same entry points and tells a tool about each
 * synchronisation: linked ahead of libgomp (which gcc's driver adds at the
 * end), it is the one the program's calls reach. Pushes it, with an rpath
 * to its directory; warns when it is not installed.
 */
static void push_openmp_runtime(struct cc_cmd *c, crace_argv *cmd)
{
    char *path = compiler_output(c, "-print-file-name=libomp.so.5");
    if (!path || path[0] != '/' || access(path, R_OK) != 0) {
        fprintf(stderr, "crace cc: warning: -fopenmp with gcc, but LLVM's OpenMP runtime libomp.so.5 is not "
                        "installed (Debian package libomp-14-dev): the program will use GCC's runtime, whose "
                        "synchronisation crace cannot see, and its OpenMP code may be reported racy\n");
        free(path);
        return;
    }
    /* The installed file, not the compiler's view of it ("gcc/x/12/../../.."). */
    char *real = realpath(path, NULL);
    free(path);
    if (!real)
        return;
    path = owned(c, real);
    char *dir = owned(c, crace_xstrdup(path));
    *strrchr(dir, '/') = '\0';
    const char *args[] = {"-Xlinker", "--push-state", "-Xlinker", "--no-as-needed", path, "-Xlinker",
                          "--pop-state", "-Xlinker", "-rpath", "-Xlinker", dir};
    for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
        crace_argv_push(cmd, args[i]);
}

/*
 * The link command: the user's arguments with sources replaced by their
 * objects (split) and the tsan runtime kept out, then the stub and an rpath
 * to it. In a split build the compile-only options are left out too.
 */
static int run_link(struct cc_cmd *c, bool split)
{
    char *stub = NULL, *fast = NULL;
    if (!c->partial) {
        stub = crace_library(CRACE_STUB_NAME);
        if (!stub)
            return CRACE_EXIT_USAGE;
        owned(c, stub);
        fast = crace_library(CRACE_FAST_NAME);
        if (!fast)
            return CRACE_EXIT_USAGE;
        owned(c, fast);
    }

    crace_argv cmd = {0};
    push_compiler(c, &cmd);
    for (size_t k = 0; k < c->nitems; k++) {
        const struct cc_item *it = &c->items[k];
        const char *arg = c->args.v[it->first];
        switch (it->cls) {
        case CC_SOURCE:
            crace_argv_push(&cmd, split ? it->object : arg);
            continue;
        case CC_SANITIZE: {
            const char *rest = without_thread(c, arg);
            if (rest)
                crace_argv_push(&cmd, rest);
            continue;
        }
        case CC_DROP:
            continue;
        case CC_COMPILE:
        case CC_DEPS:
        case CC_LANG:
            if (split)
                continue;
            break;
        case CC_BOTH:
        case CC_LINK:
        case CC_OUTPUT:
        case CC_STOP:
        case CC_STATIC:
        case CC_PARTIAL:
        case CC_LTO:
        case CC_HEADER:
        case CC_INPUT:
            break;
        }
        for (int j = 0; j < it->count; j++)
            crace_argv_push(&cmd, c->args.v[it->first + j]);
    }
    if (c->has_openmp && c->is_gcc && !c->partial)
        push_openmp_runtime(c, &cmd);
    if (fast) {
        /* After the user's objects, so that their __tsan_readN/writeN
         * calls pull the fast path in (access.h); hidden, so each program
         * and library gets its own copy, called directly. */
        crace_argv_push(&cmd, fast);
    }
    if (stub) {
        /* By path: no -L that could change which -lfoo the user gets. The
         * stub's soname makes DT_NEEDED "libcrace_stub.so", found through
         * the rpath. -Xlinker keeps a ',' in the directory intact. */
        crace_argv_push(&cmd, stub);
        crace_argv_push(&cmd, "-Xlinker");
        crace_argv_push(&cmd, "-rpath");
        crace_argv_push(&cmd, "-Xlinker");
        crace_argv_push(&cmd, crace_libdir());
    }
    int status = run(c, &cmd);
    crace_argv_free(&cmd);
    return status;
}

/* path's last component without its extension ("dir/t.c" -> "t"). */
static char *stem(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *s = crace_xstrdup(slash ? slash + 1 : path);
    const char *ext = extension(s);
    if (*ext)
        s[ext - 1 - s] = '\0';
    if (!*s || strcmp(s, "-") == 0) {
        free(s);
        s = crace_xstrdup("stdin");
    }
    return s;
}

/* path without the extension of its last component. */
static char *strip_extension(const char *path)
{
    char *s = crace_xstrdup(path);
    const char *ext = extension(s);
    if (*ext)
        s[ext - 1 - s] = '\0';
    return s;
}

/*
 * The compile command for one source of a split build. Dependency files
 * get the names the unsplit command would have used: gcc and clang both
 * write OUTPUT.d (extension replaced) with target OUTPUT for `-MD -o OUTPUT`,
 * where the temporary object would otherwise name both.
 */
static int run_compile(struct cc_cmd *c, struct cc_item *src)
{
    crace_argv cmd = {0};
    push_compiler(c, &cmd);
    push_instrumentation(c, &cmd);
    for (size_t k = 0; k < c->nitems; k++) {
        const struct cc_item *it = &c->items[k];
        switch (it->cls) {
        case CC_BOTH:
        case CC_COMPILE:
        case CC_DEPS:
        case CC_SANITIZE:
        case CC_LTO:
            for (int j = 0; j < it->count; j++)
                crace_argv_push(&cmd, c->args.v[it->first + j]);
            break;
        case CC_LINK:
        case CC_OUTPUT:
        case CC_LANG:
        case CC_STOP:
        case CC_DROP:
        case CC_STATIC: /* refused before any step runs */
        case CC_PARTIAL:
        case CC_SOURCE:
        case CC_HEADER:
        case CC_INPUT:
            break;
        }
    }
    const char *path = c->args.v[src->first];
    if (c->has_md && !c->has_mf) {
        char *base = c->output ? strip_extension(c->output) : stem(path);
        crace_argv_push(&cmd, "-MF");
        crace_argv_push(&cmd, owned(c, crace_xasprintf("%s.d", base)));
        free(base);
    }
    if (c->has_md && !c->has_mt) {
        crace_argv_push(&cmd, "-MQ");
        if (c->output) {
            crace_argv_push(&cmd, c->output);
        } else {
            char *base = stem(path);
            crace_argv_push(&cmd, owned(c, crace_xasprintf("%s.o", base)));
            free(base);
        }
    }
    push_overrides(c, &cmd, true);
    if (src->lang) {
        crace_argv_push(&cmd, "-x");
        crace_argv_push(&cmd, src->lang);
    }
    crace_argv_push(&cmd, path);
    crace_argv_push(&cmd, "-c");
    crace_argv_push(&cmd, "-o");
    crace_argv_push(&cmd, src->object);
    int status = run(c, &cmd);
    crace_argv_free(&cmd);
    return status;
}

/* Removes the temporary directory and whatever the compiler left in it
 * (objects, and .dwo or .gcno files named after them). */
static void remove_tmpdir(struct cc_cmd *c)
{
    if (!c->tmpdir)
        return;
    DIR *d = opendir(c->tmpdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(c->tmpdir);
    free(c->tmpdir);
    c->tmpdir = NULL;
}

/* Compiles each source to a temporary object, then links. */
static int run_split(struct cc_cmd *c)
{
    /* Where gcc would put its own temporary files: $TMPDIR when a
     * directory can be made there, else the usual places (libiberty's
     * choose_tmpdir), so a stale TMPDIR does not fail a build that the
     * plain compiler would do. */
    const char *env = getenv("TMPDIR");
    const char *const dirs[] = {env && *env ? env : "/tmp", "/tmp", "/var/tmp", "."};
    int err = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0] && !c->tmpdir; i++) {
        c->tmpdir = crace_xasprintf("%s/crace-cc-XXXXXX", dirs[i]);
        if (!mkdtemp(c->tmpdir)) {
            if (!err)
                err = errno;
            free(c->tmpdir);
            c->tmpdir = NULL;
        }
    }
    if (!c->tmpdir) {
        fprintf(stderr, "crace cc: cannot create a temporary directory in %s, /tmp, /var/tmp or .: %s\n",
                dirs[0], strerror(err));
        return CRACE_EXIT_USAGE;
    }
    int status = 0;
    size_t n = 0;
    for (size_t k = 0; k < c->nitems && status == 0; k++) {
        struct cc_item *it = &c->items[k];
        if (it->cls != CC_SOURCE)
            continue;
        /* Numbered: two sources may share a name (a/x.c, b/x.c). */
        char *base = stem(c->args.v[it->first]);
        it->object = owned(c, crace_xasprintf("%s/%zu-%s.o", c->tmpdir, n++, base));
        free(base);
        status = run_compile(c, it);
    }
    if (status == 0)
        status = run_link(c, true);
    remove_tmpdir(c);
    return status;
}

/* ------------------------------------------------ the command */

void cmd_cc_help(void)
{
    fputs("usage: crace cc [compiler arguments...]\n"
          "\n"
          "A drop-in C compiler: `crace cc -o t t.c`, or `CC='crace cc' make`. It runs\n"
          "$CRACE_CC, else $CC (unless that is crace itself), else cc, with the same\n"
          "arguments, and adds:\n"
          "  compiling: -fsanitize=thread -fno-omit-frame-pointer -fno-plt, and -g unless a -g\n"
          "             option is given (reports need file:line); with gcc, -Wno-tsan\n"
          "             (crace supports the atomic_thread_fence gcc warns about), and\n"
          "             crace's gcc plugin when one was built for this gcc (it drops\n"
          "             the read check of a statement that then writes the same place,\n"
          "             as clang does);\n"
          "  linking:   " CRACE_FAST_NAME " (the detector's memory-access fast path,\n"
          "             called directly by the instrumentation), " CRACE_STUB_NAME "\n"
          "             (no-op instrumentation hooks) and an rpath to it, instead of\n"
          "             libtsan, so the program runs natively and `crace run` can\n"
          "             preload the detector.\n"
          "A command that compiles and links at once is run as one compile per source\n"
          "into a temporary directory, then the link. -static is refused: LD_PRELOAD\n"
          "needs a dynamically linked program.\n"
          "\n"
          "`crace cc --help` and `crace cc --version` are the compiler's own.\n"
          "CRACE_CC_VERBOSE=1 prints every command crace cc runs.\n"
          "Exit status: the compiler's; 1 when no compiler is found.\n",
          stdout);
}

static void cc_free(struct cc_cmd *c)
{
    remove_tmpdir(c);
    for (size_t i = 0; i < c->owned.n; i++)
        free(c->owned.v[i]);
    crace_argv_free(&c->owned);
    crace_argv_free(&c->compiler);
    crace_argv_free(&c->args);
    free(c->items);
}

int cmd_cc(int argc, char **argv)
{
    if (getenv(CC_ACTIVE_ENV)) {
        fprintf(stderr, "crace cc: the compiler ran crace cc again; set CRACE_CC to a real "
                        "compiler, e.g. gcc or clang\n");
        return CRACE_EXIT_USAGE;
    }
    struct cc_cmd c = {0};
    const char *verbose = getenv("CRACE_CC_VERBOSE");
    c.verbose = verbose && *verbose && strcmp(verbose, "0") != 0;
    int status = CRACE_EXIT_USAGE;
    if (!choose_compiler(&c))
        goto out;
    c.is_gcc = compiler_is_gcc(&c);
    setenv(CC_ACTIVE_ENV, "1", 1);

    expand_args(&c, argc - 1, argv + 1, 0);
    parse(&c);
    if (c.is_gcc && c.nsources)
        c.gcc_plugin = find_gcc_plugin(&c);

    if (c.ninputs == 0)
        status = run_unsplit(&c, false); /* --version, -dumpmachine, ... */
    else if (c.stop || c.nheaders)
        status = run_unsplit(&c, true);
    else if (c.static_arg)
        fprintf(stderr,
                "crace cc: %s: crace needs a dynamically linked program, since the detector "
                "is loaded with LD_PRELOAD\n",
                c.static_arg);
    else if (c.nsources == 0)
        status = run_link(&c, false);
    else
        status = run_split(&c);
out:
    cc_free(&c);
    return status;
}
