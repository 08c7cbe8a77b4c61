/*
 * test_runtime_go.c: libgochan's goroutines (runtime/src/go.c).
 *
 * go() runs fn(arg) on another thread; 10,000 goroutines can be live at
 * once; the stack size knob (gochan_set_stack_size, GOCHAN_STACK_SIZE)
 * takes effect and rejects tiny sizes; failure to start is reported and
 * the function then never runs; goroutine ids are 1 for main, distinct and
 * increasing in creation order.
 *
 * The GOCHAN_STACK_SIZE checks need a process in which go() was never
 * called: the test re-executes this program (/proc/self/exe) with
 * --stack-child and reads what it prints.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gochan.h"
#include "timing.h"


extern char **environ;

/* The calling thread's stack size as the thread library reports it. */
static size_t own_stack_size(void)
{
    pthread_attr_t attr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return 0;
    pthread_attr_getstacksize(&attr, &size);
    pthread_attr_destroy(&attr);
    return size;
}

/* glibc rounds a requested stack size down to its alignment (300000
 * becomes 299968), so a page of slack below; and it reuses the cached stack
 * of an exited thread when that is at most 4 times the size asked for, so
 * up to 4x above. */
static bool stack_size_matches(size_t observed, size_t requested)
{
    return observed + 4096 >= requested && observed <= 4 * requested;
}

/* ------------------------------------------------------------------ */
/* go() runs fn(arg)                                                    */
/* ------------------------------------------------------------------ */

struct run_arg {
    int in;
    int out;
    pthread_t thread;
    uint64_t id;
    size_t stack;
    atomic_int done;
};

static void run_fn(void *arg)
{
    struct run_arg *a = arg;
    a->out = a->in * 2 + 1;
    a->thread = pthread_self();
    a->id = gochan_goroutine_id();
    a->stack = own_stack_size();
    atomic_store(&a->done, 1);
}

/* 0 until it ran, then 2 when arg was NULL, 1 when not. */
static atomic_int null_arg_seen;

static void null_arg_fn(void *arg)
{
    atomic_store(&null_arg_seen, arg == NULL ? 2 : 1);
}

static void test_go_runs_fn_with_arg(void **state)
{
    (void)state;
    struct run_arg a = {.in = 20, .out = -1};
    assert_int_equal(go(run_fn, &a), 0);
    assert_true(wait_at_least(&a.done, 1, PROMPT_NS));
    assert_int_equal(a.out, 41);
    /* On another thread, which is another goroutine. */
    assert_false(pthread_equal(a.thread, pthread_self()));
    assert_true(a.id != gochan_goroutine_id());
    assert_true(stack_size_matches(a.stack, gochan_stack_size()));

    /* arg is passed through as is, NULL included. */
    assert_int_equal(go(null_arg_fn, NULL), 0);
    assert_true(wait_at_least(&null_arg_seen, 1, PROMPT_NS));
    assert_int_equal(atomic_load(&null_arg_seen), 2);
}

/* ------------------------------------------------------------------ */
/* 10,000 goroutines live at once                                       */
/* ------------------------------------------------------------------ */

enum { LIVE_N = 10000 };

struct live_shared {
    chan_t *release;
    atomic_int started;
    atomic_int finished;
    atomic_int got_value; /* receives that returned true: must stay 0 */
};

static void live_fn(void *arg)
{
    struct live_shared *sh = arg;
    atomic_fetch_add(&sh->started, 1);
    if (chan_recv(sh->release, NULL))
        atomic_fetch_add(&sh->got_value, 1);
    atomic_fetch_add(&sh->finished, 1);
}

/* Every goroutine blocks until all have started, so all 10,000 are alive
 * at the same moment; one close releases them all. */
static void test_go_ten_thousand_live(void **state)
{
    (void)state;
    static struct live_shared sh;
    sh.release = chan_make(0, 0);
    assert_non_null(sh.release);
    int failed = 0, first_err = 0;
    for (int i = 0; i < LIVE_N; i++) {
        int rc = go(live_fn, &sh);
        if (rc != 0) {
            failed++;
            if (first_err == 0)
                first_err = rc;
        }
    }
    if (failed)
        fail_msg("%d of %d go() calls failed, first with %s", failed, LIVE_N, strerror(first_err));
    assert_true(wait_at_least(&sh.started, LIVE_N, 60000 * MS));
    /* All started and none finished: 10,000 alive at once. */
    assert_int_equal(atomic_load(&sh.started), LIVE_N);
    assert_int_equal(atomic_load(&sh.finished), 0);
    chan_close(sh.release);
    assert_true(wait_at_least(&sh.finished, LIVE_N, 60000 * MS));
    assert_int_equal(atomic_load(&sh.got_value), 0);
    chan_free(sh.release);
}

/* ------------------------------------------------------------------ */
/* Stack size                                                           */
/* ------------------------------------------------------------------ */

static void check_goroutine_stack(size_t requested)
{
    struct run_arg a = {.in = 1};
    assert_int_equal(go(run_fn, &a), 0);
    assert_true(wait_at_least(&a.done, 1, PROMPT_NS));
    if (!stack_size_matches(a.stack, requested))
        fail_msg("goroutine stack is %zu bytes, %zu requested", a.stack, requested);
}

static void test_set_stack_size(void **state)
{
    (void)state;
    size_t saved = gochan_stack_size();
    assert_true(saved >= (size_t)PTHREAD_STACK_MIN);

    assert_int_equal(gochan_set_stack_size(0), EINVAL);
    assert_int_equal(gochan_set_stack_size(1), EINVAL);
    assert_int_equal(gochan_set_stack_size((size_t)PTHREAD_STACK_MIN - 1), EINVAL);
    assert_int_equal(gochan_stack_size(), saved);

    assert_int_equal(gochan_set_stack_size(512 * 1024), 0);
    assert_int_equal(gochan_stack_size(), 512 * 1024);
    check_goroutine_stack(512 * 1024);

    assert_int_equal(gochan_set_stack_size(2 * 1024 * 1024), 0);
    assert_int_equal(gochan_stack_size(), 2 * 1024 * 1024);
    check_goroutine_stack(2 * 1024 * 1024);

    assert_int_equal(gochan_set_stack_size((size_t)PTHREAD_STACK_MIN), 0);
    assert_int_equal(gochan_stack_size(), (size_t)PTHREAD_STACK_MIN);
    check_goroutine_stack((size_t)PTHREAD_STACK_MIN);

    assert_int_equal(gochan_set_stack_size(saved), 0);
    assert_int_equal(gochan_stack_size(), saved);
}

/* A stack larger than the address space cannot be had: go() reports
 * EAGAIN and fn never runs. */
static atomic_int never_ran;

static void never_fn(void *arg)
{
    (void)arg;
    atomic_store(&never_ran, 1);
}

static void test_go_failure_reported(void **state)
{
    (void)state;
    size_t saved = gochan_stack_size();
    assert_int_equal(gochan_set_stack_size((size_t)1 << 50), 0);
    int rc = go(never_fn, NULL);
    assert_int_equal(gochan_set_stack_size(saved), 0);
    assert_int_equal(rc, EAGAIN);
    sleep_ns(BLOCK_NS);
    assert_int_equal(atomic_load(&never_ran), 0);
    /* And go() works again with a sane size. */
    struct run_arg a = {.in = 3};
    assert_int_equal(go(run_fn, &a), 0);
    assert_true(wait_at_least(&a.done, 1, PROMPT_NS));
    assert_int_equal(a.out, 7);
}

/* The child side: the first go() of this process reads GOCHAN_STACK_SIZE.
 * Prints "<gochan_stack_size()> <a goroutine's stack size>". */
static int stack_child_main(void)
{
    struct run_arg a = {.in = 0};
    if (go(run_fn, &a) != 0)
        return 3;
    if (!wait_at_least(&a.done, 1, PROMPT_NS))
        return 4;
    printf("%zu %zu\n", gochan_stack_size(), a.stack);
    fflush(stdout);
    return 0;
}

/* Runs this program with --stack-child and GOCHAN_STACK_SIZE=value (unset
 * when value is NULL); returns its two numbers. */
static void run_stack_child(const char *value, size_t *reported, size_t *observed)
{
    /* Everything that allocates is done before fork: the child of a
     * multi-threaded process may only make async-signal-safe calls. */
    static char var[64];
    static char *envp[512];
    size_t n = 0;
    for (char **e = environ; *e && n < 500; e++)
        if (strncmp(*e, "GOCHAN_STACK_SIZE=", 18) != 0)
            envp[n++] = *e;
    if (value) {
        snprintf(var, sizeof var, "GOCHAN_STACK_SIZE=%s", value);
        envp[n++] = var;
    }
    envp[n] = NULL;
    static char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    assert_true(len > 0);
    exe[len] = '\0';
    char *argv[] = {exe, "--stack-child", NULL};

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execve(exe, argv, envp);
        _exit(127);
    }
    close(fds[1]);
    char buf[256];
    size_t got = 0;
    ssize_t r;
    while ((r = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)r;
    close(fds[0]);
    buf[got] = '\0';
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(sscanf(buf, "%zu %zu", reported, observed), 2);
}

static void test_stack_size_env(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        size_t bytes;
    } cases[] = {
        {NULL, 256 * 1024},
        {"1M", 1024 * 1024},
        {"512K", 512 * 1024},
        {"300000", 300000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t reported = 0, observed = 0;
        run_stack_child(cases[i].value, &reported, &observed);
        if (reported != cases[i].bytes || !stack_size_matches(observed, cases[i].bytes))
            fail_msg("GOCHAN_STACK_SIZE=%s: gochan_stack_size() %zu, goroutine stack %zu, "
                     "expected %zu",
                     cases[i].value ? cases[i].value : "(unset)", reported, observed,
                     cases[i].bytes);
    }
}

/* ------------------------------------------------------------------ */
/* Goroutine ids                                                        */
/* ------------------------------------------------------------------ */

enum { ID_N = 100 };

struct id_slot {
    uint64_t id, id_again;
    atomic_int *done;
};

static void id_fn(void *arg)
{
    struct id_slot *s = arg;
    s->id = gochan_goroutine_id();
    s->id_again = gochan_goroutine_id();
    atomic_fetch_add(s->done, 1);
}

struct nest_arg {
    uint64_t parent_id;
    struct id_slot child;
    atomic_int child_done;
    atomic_int done;
};

static void nest_fn(void *arg)
{
    struct nest_arg *n = arg;
    n->parent_id = gochan_goroutine_id();
    n->child.done = &n->child_done;
    if (go(id_fn, &n->child) != 0)
        n->child.id = 0;
    atomic_store(&n->done, 1);
}

static void *foreign_thread_fn(void *arg)
{
    *(uint64_t *)arg = gochan_goroutine_id();
    return NULL;
}

static void test_goroutine_ids(void **state)
{
    (void)state;
    /* The main thread is goroutine 1, and stays so. */
    assert_int_equal(gochan_goroutine_id(), 1);
    assert_int_equal(gochan_goroutine_id(), 1);

    /* Goroutines started in sequence (without waiting for one another) get
     * distinct ids increasing in the order of the go() calls. */
    static struct id_slot slots[2][ID_N];
    atomic_int done = 0;
    for (int b = 0; b < 2; b++) {
        for (int i = 0; i < ID_N; i++) {
            slots[b][i] = (struct id_slot){.done = &done};
            assert_int_equal(go(id_fn, &slots[b][i]), 0);
        }
        assert_true(wait_at_least(&done, (b + 1) * ID_N, PROMPT_NS));
    }
    uint64_t prev = 1;
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < ID_N; i++) {
            const struct id_slot *s = &slots[b][i];
            if (s->id <= prev || s->id != s->id_again)
                fail_msg("batch %d goroutine %d: id %llu (again %llu) after %llu", b, i,
                         (unsigned long long)s->id, (unsigned long long)s->id_again,
                         (unsigned long long)prev);
            prev = s->id;
        }

    /* A goroutine's child is created after it. */
    struct nest_arg n = {0};
    assert_int_equal(go(nest_fn, &n), 0);
    assert_true(wait_at_least(&n.done, 1, PROMPT_NS));
    assert_true(wait_at_least(&n.child_done, 1, PROMPT_NS));
    assert_true(n.parent_id > prev);
    assert_true(n.child.id > n.parent_id);
    prev = n.child.id;

    /* A thread libgochan did not create gets its own number when it first
     * uses libgochan, after every goroutine created before it. */
    pthread_t t;
    uint64_t foreign = 0;
    assert_int_equal(pthread_create(&t, NULL, foreign_thread_fn, &foreign), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(foreign > prev);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--stack-child") == 0)
        return stack_child_main();
    alarm(WATCHDOG_S);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_goroutine_ids),
        cmocka_unit_test(test_go_runs_fn_with_arg),
        cmocka_unit_test(test_stack_size_env),
        cmocka_unit_test(test_set_stack_size),
        cmocka_unit_test(test_go_failure_reported),
        cmocka_unit_test(test_go_ten_thousand_live),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
