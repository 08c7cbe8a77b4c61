/*
 * det_test.h: running the detector's unit tests that make findings.
 *
 * These tests link the whole shim, so the test process itself runs under
 * the detector: a finding they provoke on purpose would turn its exit
 * status into 66. The tests therefore run in a child, and the parent
 * exits with cmocka's status, whatever the detector did to the child's.
 */
#ifndef TESTS_DET_TEST_H
#define TESTS_DET_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "options.h"

#define DET_RUN_TESTS_IN_CHILD(tests)                               \
    do {                                                            \
        fflush(NULL);                                               \
        pid_t det_pid_ = fork();                                    \
        if (det_pid_ == 0) {                                        \
            int det_failed_ = cmocka_run_group_tests(tests, NULL, NULL); \
            fflush(NULL);                                           \
            _exit(det_failed_);                                     \
        }                                                           \
        int det_st_;                                                \
        if (det_pid_ < 0 || waitpid(det_pid_, &det_st_, 0) != det_pid_) \
            return 1;                                               \
        return WIFEXITED(det_st_) ? WEXITSTATUS(det_st_) : 1;       \
    } while (0)

/* Runs fn(arg) with the report stream (fd 2) going to a file; returns
 * what was written, NUL-terminated (caller frees). */
static inline char *det_capture_stderr(void (*fn)(void *arg), void *arg)
{
    char path[] = "/tmp/crace-test-capture.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    int saved = dup(2);
    /* The engine alone has no dup2 interceptor to tell it (output.c
     * writes reports only to the stderr it knows). */
    dup2(fd, 2);
    output_std_redirected(2);
    fn(arg);
    dup2(saved, 2);
    output_std_redirected(2);
    close(saved);
    off_t n = lseek(fd, 0, SEEK_END);
    char *buf = calloc(1, (size_t)n + 1);
    assert_int_equal(pread(fd, buf, (size_t)n, 0), n);
    close(fd);
    return buf;
}

#endif /* TESTS_DET_TEST_H */
