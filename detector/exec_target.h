/*
 * exec_target.h: whether the program an exec or posix_spawn will run can
 * load the detector (exec_target.c). LD_PRELOAD reaches only a dynamically
 * linked program of the shim's own class and machine, run without a change
 * of ids; any other runs unchecked, and its races go unseen.
 *
 * Shared by the shim (intercept_exec.c, through unchecked.c) and by the
 * crace command (crace run judges COMMAND, crace cc finds its compiler in
 * PATH with exec_target_search): system calls only, no allocation,
 * no interceptor reached, so a vfork child may ask.
 */
#ifndef CRACE_EXEC_TARGET_H
#define CRACE_EXEC_TARGET_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Why a program runs without the detector: X(name, key, what, why, fix),
 * read as "PROGRAM runs without the detector: WHAT (WHY); FIX". key names
 * the reason in RUN.PID.unchecked records (docs/ci.md).
 */
#define EXEC_UNCHECKED_REASONS(X)                                                              \
    X(STATIC, "static", "statically linked", "LD_PRELOAD cannot load into it",                \
      "build it dynamically to check it")                                                      \
    X(CLASS32, "32-bit", "a 32-bit program", "the 64-bit detector cannot load into it",        \
      "build it for 64 bits to check it")                                                      \
    X(MACHINE, "machine", "built for another machine", "the detector cannot load into it",     \
      "build it for this machine to check it")                                                 \
    X(SETUID, "setuid", "a set-user-ID program",                                              \
      "the loader ignores LD_PRELOAD when the bit changes the user",                          \
      "run a copy without the bit (chmod u-s) to check it")                                    \
    X(SETGID, "setgid", "a set-group-ID program",                                             \
      "the loader ignores LD_PRELOAD when the bit changes the group",                         \
      "run a copy without the bit (chmod g-s) to check it")                                    \
    X(FILECAPS, "capabilities", "a program with file capabilities",                           \
      "the loader ignores LD_PRELOAD for it", "run a copy without them (setcap -r) to check it")

enum exec_reason {
    EXEC_CHECKED, /* the detector loads into it, or the exec will fail */
#define EXEC_REASON_ENUM(name, key, what, why, fix) EXEC_##name,
    EXEC_UNCHECKED_REASONS(EXEC_REASON_ENUM)
#undef EXEC_REASON_ENUM
};

/* The reason's key (EXEC_UNCHECKED_REASONS); "" for EXEC_CHECKED. */
const char *exec_reason_key(enum exec_reason r);

/* The text after "PROGRAM runs without the detector: " into buf (cap
 * bytes): "WHAT (WHY); FIX", or "its interpreter INTERP is WHAT (WHY);
 * FIX" when interp is not empty. Returns what snprintf returns. */
int exec_reason_message(enum exec_reason r, const char *interp, char *buf, size_t cap);

/* Learns the running program's dynamic loader, which has no PT_INTERP
 * of its own and is run by name (ldd does, `ld.so ./prog`) yet honours
 * LD_PRELOAD. Call once at start; until then the loader counts as
 * statically linked. */
void exec_target_init(void);

/*
 * What the kernel will run for path, taken as execveat(2) takes it
 * (dirfd, at_flags: AT_EMPTY_PATH runs dirfd itself, AT_SYMLINK_NOFOLLOW):
 * EXEC_CHECKED, or why it will run unchecked. A script (#!) is judged by
 * its interpreter, one level down; when the reason lies there, its path
 * is left in interp (cap bytes), else interp[0] is '\0'. A file that
 * cannot be executed or read is EXEC_CHECKED: the exec fails, or nothing
 * can be told.
 */
enum exec_reason exec_target_classify(int dirfd, const char *path, int at_flags, char *interp,
                                      size_t cap);

/*
 * The file execvp(3) and posix_spawnp(3) run for name, into buf (cap
 * bytes): name itself when it holds a '/'; else the first directory of
 * path_env (PATH; NULL: "/bin:/usr/bin", glibc's default; an empty entry
 * is the current directory) holding an executable regular file so named.
 * False when there is none (the exec will fail).
 */
bool exec_target_search(const char *name, const char *path_env, char *buf, size_t cap);

#endif /* CRACE_EXEC_TARGET_H */
