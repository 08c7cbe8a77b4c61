/*
 * exec_target.c: whether the program an exec will run can load the
 * detector (exec_target.h), told from the file as the kernel and the
 * dynamic loader see it: its ELF header and program headers, a script's
 * #! line, its set-id bits and capabilities.
 *
 * LD_PRELOAD is honoured by the dynamic loader, so a program without one
 * (no PT_INTERP: statically linked, static-pie too) never loads the shim;
 * a 32-bit program's loader refuses the 64-bit shim; and the loader
 * ignores LD_PRELOAD in secure mode, which the kernel asks for when the
 * exec changes the effective ids (a set-id bit whose owner is not the
 * caller, not on a nosuid mount, not under no_new_privs) or grants file
 * capabilities. Everything else is taken to load it, including a file
 * that cannot be read: a doubt never becomes a warning.
 *
 * Only system calls: the shim may be inside a vfork child, and its own
 * open, read and close are interceptors.
 */
#include "exec_target.h"

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define EXEC_HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define EXEC_HOST_MACHINE EM_AARCH64
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define EXEC_HOST_DATA ELFDATA2LSB
#else
#define EXEC_HOST_DATA ELFDATA2MSB
#endif

static const struct {
    const char *key, *what, *why, *fix;
} reasons[] = {
    [EXEC_CHECKED] = {"", "", "", ""},
#define EXEC_REASON_TEXT(name, key, what, why, fix) [EXEC_##name] = {key, what, why, fix},
    EXEC_UNCHECKED_REASONS(EXEC_REASON_TEXT)
#undef EXEC_REASON_TEXT
};

const char *exec_reason_key(enum exec_reason r)
{
    return reasons[r].key;
}

int exec_reason_message(enum exec_reason r, const char *interp, char *buf, size_t cap)
{
    if (interp && interp[0])
        return snprintf(buf, cap, "its interpreter %s is %s (%s); %s", interp, reasons[r].what,
                        reasons[r].why, reasons[r].fix);
    return snprintf(buf, cap, "%s (%s); %s", reasons[r].what, reasons[r].why, reasons[r].fix);
}

/* The running program's dynamic loader, set once by exec_target_init. */
static dev_t loader_dev;
static ino_t loader_ino;
static bool loader_known;

/* The kernel reads this much of a file to choose how to run it
 * (BINPRM_BUF_SIZE): the ELF header, or the #! line. */
enum { HEAD_BYTES = 256 };

/* Program headers read at a time. */
enum { PHDR_CHUNK = 16 };

static long sys_open(int dirfd, const char *path, int flags)
{
    return syscall(SYS_openat, dirfd, path, flags | O_CLOEXEC, 0);
}

static void sys_close(long fd)
{
    syscall(SYS_close, fd);
}

static bool read_at(long fd, void *buf, size_t n, off_t off)
{
    return syscall(SYS_pread64, fd, buf, n, off) == (long)n;
}

static bool same_file(const struct stat *a, dev_t dev, ino_t ino)
{
    return a->st_dev == dev && a->st_ino == ino;
}

/* Whether an ELF64 file of this machine asks for a program interpreter;
 * *known is false when its program headers cannot be read. */
static bool has_interp(long fd, const Elf64_Ehdr *eh, bool *known, Elf64_Phdr *interp)
{
    *known = false;
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum == PN_XNUM)
        return false;
    Elf64_Phdr ph[PHDR_CHUNK];
    for (unsigned i = 0; i < eh->e_phnum; i += PHDR_CHUNK) {
        unsigned n = eh->e_phnum - i < PHDR_CHUNK ? eh->e_phnum - i : PHDR_CHUNK;
        if (!read_at(fd, ph, n * sizeof(ph[0]), (off_t)(eh->e_phoff + (uint64_t)i * sizeof(ph[0]))))
            return false;
        for (unsigned k = 0; k < n; k++) {
            if (ph[k].p_type == PT_INTERP) {
                *known = true;
                if (interp)
                    *interp = ph[k];
                return true;
            }
        }
    }
    *known = true;
    return false;
}

/* The kernel changes no ids on a nosuid mount or under no_new_privs:
 * set-id bits and file capabilities are then ignored, LD_PRELOAD is not. */
static bool setid_ignored(long fd)
{
    struct statfs sfs;
    if (syscall(SYS_fstatfs, fd, &sfs) == 0 && (sfs.f_flags & ST_NOSUID))
        return true;
    return syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L) == 1;
}

/* Secure mode: the exec makes the effective ids differ from the real
 * ones (the caller's real ids stay), or grants capabilities to a caller
 * that is not root. */
static enum exec_reason setid_reason(long fd, const struct stat *st)
{
    bool suid = (st->st_mode & S_ISUID) && st->st_uid != getuid();
    /* S_ISGID without group execute is mandatory locking, not set-group-ID. */
    bool sgid = (st->st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) && st->st_gid != getgid();
    bool caps = !suid && !sgid && getuid() != 0 &&
                syscall(SYS_fgetxattr, fd, "security.capability", NULL, (size_t)0) > 0;
    if ((!suid && !sgid && !caps) || setid_ignored(fd))
        return EXEC_CHECKED;
    return suid ? EXEC_SETUID : sgid ? EXEC_SETGID : EXEC_FILECAPS;
}

/* An opened file judged as an ELF program (head: its first n bytes);
 * anything else is EXEC_CHECKED. */
static enum exec_reason classify_elf(long fd, const struct stat *st, const unsigned char *head,
                                     size_t n)
{
    if (n < sizeof(Elf64_Ehdr) || memcmp(head, ELFMAG, SELFMAG) != 0)
        return EXEC_CHECKED;
    if (head[EI_DATA] != EXEC_HOST_DATA)
        return EXEC_MACHINE;
    /* e_type lies at the same offset in both classes. */
    Elf64_Half type;
    memcpy(&type, head + offsetof(Elf64_Ehdr, e_type), sizeof(type));
    if (type != ET_EXEC && type != ET_DYN)
        return EXEC_CHECKED; /* not a program: the exec fails */
    if (head[EI_CLASS] == ELFCLASS32)
        return EXEC_CLASS32;
    if (head[EI_CLASS] != ELFCLASS64)
        return EXEC_CHECKED;
    Elf64_Ehdr eh;
    memcpy(&eh, head, sizeof(eh));
#ifdef EXEC_HOST_MACHINE
    if (eh.e_machine != EXEC_HOST_MACHINE)
        return EXEC_MACHINE;
#endif
    /* No interpreter: statically linked, unless it is the dynamic loader
     * itself, run by name. */
    bool known;
    if (!has_interp(fd, &eh, &known, NULL) && known &&
        !(loader_known && same_file(st, loader_dev, loader_ino)))
        return EXEC_STATIC;
    return setid_reason(fd, st);
}

/* The interpreter named by a #! line (head, n bytes), into buf; false
 * when there is none. The kernel takes the first word after #!. */
static bool script_interp(const unsigned char *head, size_t n, char *buf, size_t cap)
{
    if (n < 2 || head[0] != '#' || head[1] != '!')
        return false;
    size_t i = 2;
    while (i < n && (head[i] == ' ' || head[i] == '\t'))
        i++;
    size_t start = i;
    while (i < n && head[i] != ' ' && head[i] != '\t' && head[i] != '\n' && head[i] != '\0')
        i++;
    if (i == start || i - start >= cap)
        return false;
    memcpy(buf, head + start, i - start);
    buf[i - start] = '\0';
    return true;
}

/* An executable regular file: what execve accepts (the execute bit is
 * taken as the kernel takes it for root: any of the three). */
static bool executable(const struct stat *st)
{
    return S_ISREG(st->st_mode) && (st->st_mode & 0111);
}

/*
 * Opens what will be executed, for reading when allowed, else O_PATH (an
 * execute-only file: its bits and its mount still tell); -1 when it is
 * no executable file (the exec fails). Looked at first without opening
 * it: opening a FIFO or a device for reading may block or act.
 */
static long open_target(int dirfd, const char *path, int at_flags)
{
    char self[64];
    if ((at_flags & AT_EMPTY_PATH) && path[0] == '\0') {
        /* dirfd itself, which may be an O_PATH descriptor that cannot
         * be read: opened again through /proc. */
        snprintf(self, sizeof(self), "/proc/self/fd/%d", dirfd);
        dirfd = AT_FDCWD;
        path = self;
        at_flags = 0;
    }
    int nofollow = (at_flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0;
    struct stat st;
    long fd = sys_open(dirfd, path, O_PATH | nofollow);
    if (fd < 0)
        return -1;
    if (syscall(SYS_fstat, fd, &st) != 0 || !executable(&st)) {
        sys_close(fd);
        return -1;
    }
    long rfd = sys_open(dirfd, path, O_RDONLY | O_NONBLOCK | nofollow);
    if (rfd < 0)
        return fd;
    sys_close(fd);
    return rfd;
}

/* depth 0: the file the exec names; 1: a script's interpreter, whose own
 * #! line is not followed. */
static enum exec_reason classify_fd(long fd, int depth, char *interp, size_t cap)
{
    struct stat st;
    if (syscall(SYS_fstat, fd, &st) != 0 || !executable(&st))
        return EXEC_CHECKED;
    unsigned char head[HEAD_BYTES];
    long n = syscall(SYS_pread64, fd, head, sizeof(head), (off_t)0);
    if (n <= 0)
        return setid_reason(fd, &st); /* execute-only: its bits still tell */
    char name[PATH_MAX];
    if (depth == 0 && script_interp(head, (size_t)n, name, sizeof(name))) {
        long ifd = open_target(AT_FDCWD, name, 0);
        if (ifd < 0)
            return EXEC_CHECKED;
        enum exec_reason r = classify_fd(ifd, 1, NULL, 0);
        sys_close(ifd);
        if (r != EXEC_CHECKED && interp) {
            size_t len = strlen(name);
            if (len < cap)
                memcpy(interp, name, len + 1);
        }
        return r;
    }
    return classify_elf(fd, &st, head, (size_t)n);
}

enum exec_reason exec_target_classify(int dirfd, const char *path, int at_flags, char *interp,
                                      size_t cap)
{
    if (interp && cap)
        interp[0] = '\0';
    if (!path)
        return EXEC_CHECKED;
    long fd = open_target(dirfd, path, at_flags);
    if (fd < 0)
        return EXEC_CHECKED;
    enum exec_reason r = classify_fd(fd, 0, interp, cap);
    sys_close(fd);
    return r;
}

void exec_target_init(void)
{
    long fd = sys_open(AT_FDCWD, "/proc/self/exe", O_RDONLY);
    if (fd < 0)
        return;
    Elf64_Ehdr eh;
    Elf64_Phdr interp;
    bool known;
    struct stat st;
    char name[PATH_MAX];
    if (!read_at(fd, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64) {
        sys_close(fd);
        return;
    }
    if (!has_interp(fd, &eh, &known, &interp)) {
        /* No interpreter: the program was started as `ld.so PROGRAM`,
         * and this is the loader itself. */
        if (known && syscall(SYS_fstat, fd, &st) == 0) {
            loader_dev = st.st_dev;
            loader_ino = st.st_ino;
            loader_known = true;
        }
    } else if (interp.p_filesz > 1 && interp.p_filesz < sizeof(name) &&
               read_at(fd, name, interp.p_filesz, (off_t)interp.p_offset)) {
        name[interp.p_filesz - 1] = '\0';
        long lfd = sys_open(AT_FDCWD, name, O_PATH);
        if (lfd >= 0 && syscall(SYS_fstat, lfd, &st) == 0) {
            loader_dev = st.st_dev;
            loader_ino = st.st_ino;
            loader_known = true;
        }
        if (lfd >= 0)
            sys_close(lfd);
    }
    sys_close(fd);
}

bool exec_target_search(const char *name, const char *path_env, char *buf, size_t cap)
{
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen >= cap)
        return false;
    if (strchr(name, '/')) {
        memcpy(buf, name, nlen + 1);
        return true;
    }
    const char *p = path_env ? path_env : "/bin:/usr/bin";
    for (;;) {
        const char *end = strchrnul(p, ':');
        size_t dlen = (size_t)(end - p);
        /* An empty entry is the current directory: the name alone. */
        if (dlen + 1 + nlen < cap) {
            memcpy(buf, p, dlen);
            size_t at = dlen;
            if (dlen)
                buf[at++] = '/';
            memcpy(buf + at, name, nlen + 1);
            struct stat st;
            if (syscall(SYS_newfstatat, AT_FDCWD, buf, &st, 0) == 0 && executable(&st))
                return true;
        }
        if (*end == '\0')
            return false;
        p = end + 1;
    }
}
