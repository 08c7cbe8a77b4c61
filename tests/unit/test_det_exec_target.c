/*
 * test_det_exec_target.c: detector/exec_target.c, on files made here: an
 * ELF64 program with a PT_INTERP is checked, one without is statically
 * linked; a 32-bit header, another machine's, a set-id bit that changes
 * the ids (as root: a file given to another user) each say why; a script
 * is judged by its interpreter, one level down; the running program's
 * loader, which has no PT_INTERP, is checked; what cannot be executed is
 * not judged. The PATH search finds what execvp would run.
 */
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cmocka.h>

#include "exec_target.h"

static char dir[] = "/tmp/crace-exec-target.XXXXXX";

static char *in_dir(const char *name)
{
    static char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

static void write_file(const char *name, const void *data, size_t n, mode_t mode)
{
    const char *path = in_dir(name);
    unlink(path);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    assert_int_equal(close(fd), 0);
    assert_int_equal(chmod(path, mode), 0);
}

/* An ELF64 program of this machine: a header and one program header
 * (PT_INTERP when interp, else PT_LOAD), as much as the judge reads. */
static void write_elf64(const char *name, bool interp, uint16_t machine, uint16_t type, mode_t mode)
{
    struct {
        Elf64_Ehdr eh;
        Elf64_Phdr ph;
    } f;
    memset(&f, 0, sizeof(f));
    memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
    f.eh.e_ident[EI_CLASS] = ELFCLASS64;
    f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    f.eh.e_ident[EI_VERSION] = EV_CURRENT;
    f.eh.e_type = type;
    f.eh.e_machine = machine;
    f.eh.e_phoff = sizeof(Elf64_Ehdr);
    f.eh.e_phentsize = sizeof(Elf64_Phdr);
    f.eh.e_phnum = 1;
    f.ph.p_type = interp ? PT_INTERP : PT_LOAD;
    write_file(name, &f, sizeof(f), mode);
}

/* This machine's e_machine, read from the running program. */
static uint16_t host_machine(void)
{
    Elf64_Ehdr eh;
    int fd = open("/proc/self/exe", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &eh, sizeof(eh), 0), (ssize_t)sizeof(eh));
    close(fd);
    return eh.e_machine;
}

static enum exec_reason judge(const char *name, char *interp)
{
    char ignored[PATH_MAX];
    return exec_target_classify(AT_FDCWD, name[0] == '/' ? name : in_dir(name), 0,
                                interp ? interp : ignored, PATH_MAX);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_dynamic_program_is_checked(void **state)
{
    (void)state;
    write_elf64("dynamic", true, host_machine(), ET_DYN, 0755);
    assert_int_equal(judge("dynamic", NULL), EXEC_CHECKED);
    assert_int_equal(judge("/proc/self/exe", NULL), EXEC_CHECKED);
}

static void test_program_without_interpreter_is_static(void **state)
{
    (void)state;
    write_elf64("static", false, host_machine(), ET_EXEC, 0755);
    assert_int_equal(judge("static", NULL), EXEC_STATIC);
    write_elf64("static-pie", false, host_machine(), ET_DYN, 0755);
    assert_int_equal(judge("static-pie", NULL), EXEC_STATIC);
    char text[512];
    exec_reason_message(EXEC_STATIC, "", text, sizeof(text));
    assert_string_equal(text, "statically linked (LD_PRELOAD cannot load into it); build it "
                              "dynamically to check it");
    assert_string_equal(exec_reason_key(EXEC_STATIC), "static");
}

/* ld.so has no PT_INTERP, but run by name (ldd does) it honours
 * LD_PRELOAD. */
static void test_dynamic_loader_is_checked(void **state)
{
    (void)state;
    Elf64_Ehdr eh;
    Elf64_Phdr ph;
    char loader[PATH_MAX] = "";
    int fd = open("/proc/self/exe", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &eh, sizeof(eh), 0), (ssize_t)sizeof(eh));
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        assert_int_equal(pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))),
                         (ssize_t)sizeof(ph));
        if (ph.p_type == PT_INTERP)
            assert_int_equal(pread(fd, loader, ph.p_filesz, (off_t)ph.p_offset), (ssize_t)ph.p_filesz);
    }
    close(fd);
    assert_true(loader[0] == '/');
    exec_target_init();
    assert_int_equal(judge(loader, NULL), EXEC_CHECKED);
}

static void test_other_class_and_machine_say_so(void **state)
{
    (void)state;
    unsigned char h32[64] = {0};
    memcpy(h32, ELFMAG, SELFMAG);
    h32[EI_CLASS] = ELFCLASS32;
    h32[EI_DATA] = ELFDATA2LSB;
    h32[16] = ET_EXEC;
    write_file("prog32", h32, sizeof(h32), 0755);
    assert_int_equal(judge("prog32", NULL), EXEC_CLASS32);
    uint16_t other = host_machine() == EM_S390 ? EM_PPC64 : EM_S390;
    write_elf64("foreign", true, other, ET_EXEC, 0755);
    assert_int_equal(judge("foreign", NULL), EXEC_MACHINE);
}

static void test_what_cannot_run_is_not_judged(void **state)
{
    (void)state;
    write_elf64("object", false, host_machine(), ET_REL, 0755);
    assert_int_equal(judge("object", NULL), EXEC_CHECKED);
    write_elf64("not-executable", false, host_machine(), ET_EXEC, 0644);
    assert_int_equal(judge("not-executable", NULL), EXEC_CHECKED);
    assert_int_equal(judge("missing", NULL), EXEC_CHECKED);
    write_file("text", "hello\n", 6, 0755);
    assert_int_equal(judge("text", NULL), EXEC_CHECKED);
}

static void test_script_is_judged_by_its_interpreter(void **state)
{
    (void)state;
    write_elf64("static-sh", false, host_machine(), ET_EXEC, 0755);
    char line[PATH_MAX + 32];
    int n = snprintf(line, sizeof(line), "#!  %s -e\necho hi\n", in_dir("static-sh"));
    write_file("script", line, (size_t)n, 0755);
    char interp[PATH_MAX];
    assert_int_equal(judge("script", interp), EXEC_STATIC);
    assert_string_equal(interp, in_dir("static-sh"));
    char text[PATH_MAX + 512];
    exec_reason_message(EXEC_STATIC, interp, text, sizeof(text));
    assert_non_null(strstr(text, "its interpreter "));
    assert_non_null(strstr(text, "/static-sh is statically linked (LD_PRELOAD"));

    write_file("sh-script", "#!/bin/sh\nexit 0\n", 17, 0755);
    assert_int_equal(judge("sh-script", interp), EXEC_CHECKED);
    assert_string_equal(interp, "");
    /* One level only: a script run by a script is the kernel's business. */
    n = snprintf(line, sizeof(line), "#!%s\n", in_dir("script"));
    write_file("script-of-script", line, (size_t)n, 0755);
    assert_int_equal(judge("script-of-script", NULL), EXEC_CHECKED);
}

/* Whether the kernel would honour set-id bits of files in dir. */
static bool setid_honoured(void)
{
    struct statfs sfs;
    return statfs(dir, &sfs) == 0 && !(sfs.f_flags & ST_NOSUID) &&
           prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0;
}

static void test_setid_that_changes_ids_says_so(void **state)
{
    (void)state;
    /* Owned by the caller: the bits change nothing, secure mode is off. */
    write_elf64("mine-suid", true, host_machine(), ET_DYN, 04755);
    assert_int_equal(judge("mine-suid", NULL), EXEC_CHECKED);
    write_elf64("mine-sgid", true, host_machine(), ET_DYN, 02755);
    assert_int_equal(judge("mine-sgid", NULL), EXEC_CHECKED);
    if (getuid() != 0 || !setid_honoured())
        return; /* only root can give a file away */
    write_elf64("their-suid", true, host_machine(), ET_DYN, 0755);
    assert_int_equal(chown(in_dir("their-suid"), 65534, (gid_t)-1), 0);
    assert_int_equal(chmod(in_dir("their-suid"), 04755), 0);
    assert_int_equal(judge("their-suid", NULL), EXEC_SETUID);
    write_elf64("their-sgid", true, host_machine(), ET_DYN, 0755);
    assert_int_equal(chown(in_dir("their-sgid"), (uid_t)-1, 65534), 0);
    assert_int_equal(chmod(in_dir("their-sgid"), 02755), 0);
    assert_int_equal(judge("their-sgid", NULL), EXEC_SETGID);
    /* S_ISGID without group execute is mandatory locking. */
    assert_int_equal(chmod(in_dir("their-sgid"), 02745), 0);
    assert_int_equal(judge("their-sgid", NULL), EXEC_CHECKED);
}

static void test_search_finds_what_execvp_runs(void **state)
{
    (void)state;
    char found[PATH_MAX], path_env[3 * PATH_MAX];
    assert_true(mkdir(in_dir("a"), 0755) == 0);
    assert_true(mkdir(in_dir("b"), 0755) == 0);
    write_file("a/tool", "x", 1, 0644); /* not executable: skipped */
    write_file("b/tool", "x", 1, 0755);
    char a[PATH_MAX], b[PATH_MAX];
    snprintf(a, sizeof(a), "%s", in_dir("a"));
    snprintf(b, sizeof(b), "%s", in_dir("b"));
    snprintf(path_env, sizeof(path_env), "%s:%s", a, b);
    assert_true(exec_target_search("tool", path_env, found, sizeof(found)));
    assert_string_equal(found, in_dir("b/tool"));
    assert_false(exec_target_search("no-such-tool", path_env, found, sizeof(found)));
    assert_false(exec_target_search("", path_env, found, sizeof(found)));
    /* A name with a slash is used as is, found or not. */
    assert_true(exec_target_search("./x/y", path_env, found, sizeof(found)));
    assert_string_equal(found, "./x/y");
    /* An empty entry is the current directory. */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(b), 0);
    assert_true(exec_target_search("tool", ":/nonexistent", found, sizeof(found)));
    assert_string_equal(found, "tool");
    assert_int_equal(chdir(cwd), 0);
    /* No PATH: glibc's default. */
    assert_true(exec_target_search("sh", NULL, found, sizeof(found)));
    assert_true(strcmp(found, "/bin/sh") == 0 || strcmp(found, "/usr/bin/sh") == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamic_program_is_checked),
        cmocka_unit_test(test_program_without_interpreter_is_static),
        cmocka_unit_test(test_dynamic_loader_is_checked),
        cmocka_unit_test(test_other_class_and_machine_say_so),
        cmocka_unit_test(test_what_cannot_run_is_not_judged),
        cmocka_unit_test(test_script_is_judged_by_its_interpreter),
        cmocka_unit_test(test_setid_that_changes_ids_says_so),
        cmocka_unit_test(test_search_finds_what_execvp_runs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
