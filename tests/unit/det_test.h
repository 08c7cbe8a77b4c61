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
#include <sys/wait.h>
#include <unistd.h>

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

#endif /* TESTS_DET_TEST_H */
