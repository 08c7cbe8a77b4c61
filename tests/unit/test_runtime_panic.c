/*
 * test_runtime_panic.c: libgochan's panics, as Go prints them.
 *
 * Each misuse Go panics on is triggered in a forked child whose stderr goes
 * to a pipe. The child must exit with status exactly 2, and its stderr must
 * read
 *
 *     panic: MESSAGE
 *
 *     goroutine N [running]:
 *     trigger_function(...)
 *     \t.../test_runtime_panic.c:LINE ...
 *
 * with N the panicking goroutine (1 for the main thread) and the function
 * that triggered the panic somewhere in the stack. The triggers are
 * noinline, and end with an empty asm statement so the runtime call is
 * not turned into a tail jump that would drop their frame. The parent
 * process never calls libgochan itself, so each child starts clean.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdbool.h>
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

enum { CHILD_TIMEOUT_S = 10 };

#define NOINLINE __attribute__((noinline))
/* Keeps the call before it from becoming a tail jump. */
#define KEEP_FRAME() __asm__ __volatile__("" ::: "memory")

/* ------------------------------------------------------------------ */
/* The triggers                                                         */
/* ------------------------------------------------------------------ */

NOINLINE static void trigger_close_closed(void)
{
    chan_t *c = chan_make(sizeof(int), 1);
    chan_close(c);
    chan_close(c);
    KEEP_FRAME();
}

NOINLINE static void trigger_close_nil(void)
{
    chan_close(NULL);
    KEEP_FRAME();
}

NOINLINE static void trigger_send_closed(void)
{
    chan_t *c = chan_make(sizeof(int), 1);
    chan_close(c);
    int v = 1;
    chan_send(c, &v);
    KEEP_FRAME();
}

NOINLINE static void trigger_try_send_closed(void)
{
    chan_t *c = chan_make(sizeof(int), 0);
    chan_close(c);
    int v = 1;
    chan_try_send(c, &v);
    KEEP_FRAME();
}

NOINLINE static void trigger_select_send_closed(void)
{
    chan_t *c = chan_make(sizeof(int), 0);
    chan_t *other = chan_make(sizeof(int), 0);
    chan_close(c);
    int v = 1, w;
    chan_case cases[] = {CHAN_RECV_CASE(other, &w), CHAN_SEND_CASE(c, &v)};
    chan_select(cases, 2, false);
    KEEP_FRAME();
}

/* A goroutine blocked in a send panics when another closes the channel:
 * the panic is the sender's, in its own stack. */
static chan_t *blocked_chan;

NOINLINE static void blocked_sender_fn(void *arg)
{
    (void)arg;
    int v = 7;
    chan_send(blocked_chan, &v);
    KEEP_FRAME();
}

NOINLINE static void blocked_select_sender_fn(void *arg)
{
    (void)arg;
    int v = 7, w;
    chan_t *other = chan_make(sizeof(int), 0);
    chan_case cases[] = {CHAN_RECV_CASE(other, &w), CHAN_SEND_CASE(blocked_chan, &v)};
    chan_select(cases, 2, false);
    KEEP_FRAME();
}

NOINLINE static void blocked_receiver_fn(void *arg)
{
    (void)arg;
    int v;
    chan_recv(blocked_chan, &v);
    KEEP_FRAME();
}

static void close_under_blocked(void (*fn)(void *), size_t cap)
{
    blocked_chan = chan_make(sizeof(int), cap);
    int v = 0;
    for (size_t i = 0; i < cap; i++)
        chan_send(blocked_chan, &v); /* full, so the goroutine's send blocks */
    if (go(fn, NULL) != 0)
        _exit(98);
    sleep_ns(BLOCK_NS);
    chan_close(blocked_chan);
    /* The goroutine's panic ends the process; this thread must not exit
     * first. */
    for (;;)
        pause();
}

static void trigger_send_closed_blocked_unbuffered(void)
{
    close_under_blocked(blocked_sender_fn, 0);
}

static void trigger_send_closed_blocked_full(void)
{
    close_under_blocked(blocked_sender_fn, 2);
}

static void trigger_select_send_closed_blocked(void)
{
    close_under_blocked(blocked_select_sender_fn, 0);
}

NOINLINE static void trigger_wg_negative(void)
{
    waitgroup_t wg = WAITGROUP_INIT;
    waitgroup_done(&wg);
    KEEP_FRAME();
}

NOINLINE static void trigger_wg_negative_add(void)
{
    waitgroup_t wg = WAITGROUP_INIT;
    waitgroup_add(&wg, 1);
    waitgroup_add(&wg, -2);
    KEEP_FRAME();
}

/* Frees a channel a goroutine is blocked on: the panic is the freeing
 * goroutine's (here the main thread). */
NOINLINE static void free_blocked_chan(void)
{
    chan_free(blocked_chan);
    KEEP_FRAME();
}

static void trigger_free_blocked(void (*fn)(void *))
{
    blocked_chan = chan_make(sizeof(int), 0);
    if (go(fn, NULL) != 0)
        _exit(98);
    sleep_ns(BLOCK_NS);
    free_blocked_chan();
}

static void trigger_free_blocked_receiver(void)
{
    trigger_free_blocked(blocked_receiver_fn);
}

static void trigger_free_blocked_sender(void)
{
    trigger_free_blocked(blocked_sender_fn);
}

static void trigger_free_blocked_select(void)
{
    trigger_free_blocked(blocked_select_sender_fn);
}

/* A freed channel, used: each operation panics instead of locking
 * memory the allocator has written over (a second free included). The
 * channel is freed again by nobody: the trigger runs in a child. */
static chan_t *freed_chan(size_t cap)
{
    chan_t *c = chan_make(sizeof(int), cap);
    assert_non_null(c);
    chan_free(c);
    return c;
}

NOINLINE static void trigger_send_freed(void)
{
    int v = 1;
    chan_send(freed_chan(0), &v);
    KEEP_FRAME();
}

NOINLINE static void trigger_try_recv_freed(void)
{
    int v;
    chan_try_recv(freed_chan(4), &v);
    KEEP_FRAME();
}

NOINLINE static void trigger_close_freed(void)
{
    chan_close(freed_chan(1));
    KEEP_FRAME();
}

NOINLINE static void trigger_select_freed(void)
{
    int v;
    chan_case cases[] = {CHAN_RECV_CASE(freed_chan(0), &v)};
    chan_select(cases, 1, true);
    KEEP_FRAME();
}

NOINLINE static void trigger_free_freed(void)
{
    chan_free(freed_chan(2));
    KEEP_FRAME();
}

/* Go stops at the go statement itself, in the caller. */
NOINLINE static void trigger_go_nil(void)
{
    go(NULL, NULL);
    KEEP_FRAME();
    _exit(96); /* go() returned: the panic is missing */
}

NOINLINE static void trigger_context_nil_key(void)
{
    context_with_value(context_background(), NULL, NULL);
    KEEP_FRAME();
    _exit(96);
}

NOINLINE static void trigger_custom(void)
{
    gochan_panic("custom %d", 42);
}

NOINLINE static void goroutine_panics_fn(void *arg)
{
    (void)arg;
    gochan_panic("from a goroutine: %s", "boom");
}

static void trigger_custom_in_goroutine(void)
{
    if (go(goroutine_panics_fn, NULL) != 0)
        _exit(98);
    for (;;)
        pause();
}

/* A goroutine panics while main returns: Go's runtime parks main until
 * the panic has ended the process, so the status is 2, never main's 0,
 * and the panic is printed whole. */
static atomic_int about_to_panic;

NOINLINE static void panics_as_main_exits_fn(void *arg)
{
    (void)arg;
    atomic_store(&about_to_panic, 1);
    gochan_panic("while main exits");
}

static void trigger_panic_as_main_exits(void)
{
    if (go(panics_as_main_exits_fn, NULL) != 0)
        _exit(98);
    while (!atomic_load(&about_to_panic))
        ;
    exit(0); /* main returning: atexit handlers, then _exit(0) */
}

/* ------------------------------------------------------------------ */
/* Running a trigger in a child                                         */
/* ------------------------------------------------------------------ */

struct child_result {
    int status;
    char err[65536];
};

static void run_child(void (*trigger)(void), struct child_result *r)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(CHILD_TIMEOUT_S);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        trigger();
        /* Reached only when no panic happened. */
        _exit(99);
    }
    close(fds[1]);
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fds[0], r->err + got, sizeof r->err - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == sizeof r->err - 1) {
            /* Keep draining so the child never blocks on a full pipe. */
            char sink[4096];
            while (read(fds[0], sink, sizeof sink) > 0)
                ;
            break;
        }
    }
    r->err[got] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &r->status, 0), pid);
}

/* r is a child's panic: status 2, the message, the goroutine's number
 * (goroutine: 0 for "any number but 1"), and its stack naming function. */
static void check_panic_result(const struct child_result *r, const char *msg, uint64_t goroutine,
                               const char *function)
{
    if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != 2) {
        if (WIFSIGNALED(r->status))
            fail_msg("expected exit status 2, got signal %d; stderr:\n%s", WTERMSIG(r->status),
                     r->err);
        fail_msg("expected exit status 2, got %d; stderr:\n%s", WEXITSTATUS(r->status), r->err);
    }

    char head[512];
    int n = snprintf(head, sizeof head, "panic: %s\n\ngoroutine ", msg);
    if (strncmp(r->err, head, (size_t)n) != 0)
        fail_msg("stderr does not start with \"panic: %s\\n\\ngoroutine \":\n%s", msg, r->err);
    char *end = NULL;
    errno = 0;
    unsigned long long id = strtoull(r->err + n, &end, 10);
    if (end == r->err + n || errno != 0 || strncmp(end, " [running]:\n", 12) != 0)
        fail_msg("no \"goroutine N [running]:\" line:\n%s", r->err);
    if (goroutine == 0 ? id <= 1 : id != goroutine)
        fail_msg("panic reported for goroutine %llu, expected %s%llu:\n%s", id,
                 goroutine == 0 ? "other than " : "", (unsigned long long)(goroutine ? goroutine : 1),
                 r->err);

    /* The stack names the function that triggered the panic, with this
     * file as its location, in Go's two-line layout. */
    const char *stack = end + 12;
    char frame[256];
    snprintf(frame, sizeof frame, "%s(", function);
    const char *f = strstr(stack, frame);
    if (!f)
        fail_msg("stack does not name %s():\n%s", function, r->err);
    const char *loc = strchr(f, '\n');
    if (!loc || loc[1] != '\t' || !strstr(loc, "test_runtime_panic.c:"))
        fail_msg("%s() is not followed by its location in test_runtime_panic.c:\n%s", function,
                 r->err);
}

/* The panic of trigger, run in a child. */
static void check_panic(void (*trigger)(void), const char *msg, uint64_t goroutine,
                        const char *function)
{
    static struct child_result r;
    run_child(trigger, &r);
    check_panic_result(&r, msg, goroutine, function);
}

/* ------------------------------------------------------------------ */
/* The tests                                                            */
/* ------------------------------------------------------------------ */

static void test_panic_close_of_closed(void **state)
{
    (void)state;
    check_panic(trigger_close_closed, "close of closed channel", 1, "trigger_close_closed");
}

static void test_panic_close_of_nil(void **state)
{
    (void)state;
    check_panic(trigger_close_nil, "close of nil channel", 1, "trigger_close_nil");
}

static void test_panic_send_on_closed(void **state)
{
    (void)state;
    check_panic(trigger_send_closed, "send on closed channel", 1, "trigger_send_closed");
    check_panic(trigger_try_send_closed, "send on closed channel", 1, "trigger_try_send_closed");
    check_panic(trigger_select_send_closed, "send on closed channel", 1,
                "trigger_select_send_closed");
}

static void test_panic_send_on_closed_while_blocked(void **state)
{
    (void)state;
    check_panic(trigger_send_closed_blocked_unbuffered, "send on closed channel", 0,
                "blocked_sender_fn");
    check_panic(trigger_send_closed_blocked_full, "send on closed channel", 0,
                "blocked_sender_fn");
    check_panic(trigger_select_send_closed_blocked, "send on closed channel", 0,
                "blocked_select_sender_fn");
}

static void test_panic_negative_waitgroup(void **state)
{
    (void)state;
    check_panic(trigger_wg_negative, "sync: negative WaitGroup counter", 1, "trigger_wg_negative");
    check_panic(trigger_wg_negative_add, "sync: negative WaitGroup counter", 1,
                "trigger_wg_negative_add");
}

static void test_panic_free_with_blocked(void **state)
{
    (void)state;
    check_panic(trigger_free_blocked_receiver, "free of channel with blocked goroutines", 1,
                "free_blocked_chan");
    check_panic(trigger_free_blocked_sender, "free of channel with blocked goroutines", 1,
                "free_blocked_chan");
    check_panic(trigger_free_blocked_select, "free of channel with blocked goroutines", 1,
                "free_blocked_chan");
}

static void test_panic_use_of_freed(void **state)
{
    (void)state;
    check_panic(trigger_send_freed, "use of freed channel", 1, "trigger_send_freed");
    check_panic(trigger_try_recv_freed, "use of freed channel", 1, "trigger_try_recv_freed");
    check_panic(trigger_close_freed, "use of freed channel", 1, "trigger_close_freed");
    check_panic(trigger_select_freed, "use of freed channel", 1, "trigger_select_freed");
    check_panic(trigger_free_freed, "use of freed channel", 1, "trigger_free_freed");
}

/* Reused before the previous Wait returned: the waiter, woken by the
 * Done, finds the counter raised again by an Add. In a program that
 * depends on timing (on how soon the woken waiter runs again), as in Go,
 * where the waiter panics then; here the waiter is held in a signal
 * handler from before the Done until after the Add, so that it always
 * finds the WaitGroup in use again, and must panic with Go's message,
 * in the waiter. (Left to the scheduler, a loaded machine ran the woken
 * waiter before main's Add a hundred times in a row.) */
static waitgroup_t reused_wg = WAITGROUP_INIT;
static pthread_t reused_waiter;
static atomic_bool reused_waiter_known;
static int hold_fds[2], held_fds[2]; /* main -> handler: go on; handler -> main: held */

static void hold_waiter(int sig)
{
    (void)sig;
    char c = 0;
    if (write(held_fds[1], &c, 1) != 1 || read(hold_fds[0], &c, 1) != 1)
        _exit(96);
}

NOINLINE static void reused_waiter_fn(void *arg)
{
    (void)arg;
    reused_waiter = pthread_self();
    atomic_store(&reused_waiter_known, true);
    waitgroup_wait(&reused_wg);
    KEEP_FRAME();
    for (;;)
        pause(); /* no panic this time: main ends the child */
}

NOINLINE static void trigger_wg_reused(void)
{
    if (pipe(hold_fds) != 0 || pipe(held_fds) != 0)
        _exit(98);
    struct sigaction sa = {.sa_handler = hold_waiter};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    waitgroup_add(&reused_wg, 1);
    if (go(reused_waiter_fn, NULL) != 0)
        _exit(98);
    /* Until the waiter is counted: then it is in Wait's loop, or about
     * to be, and sees the Done only after the handler returns. */
    while (!atomic_load(&reused_waiter_known) || __atomic_load_n(&reused_wg.waiters_, __ATOMIC_ACQUIRE) == 0)
        sleep_ns(1000000);
    char c = 0;
    if (pthread_kill(reused_waiter, SIGUSR1) != 0 || read(held_fds[0], &c, 1) != 1)
        _exit(98);
    waitgroup_done(&reused_wg);
    waitgroup_add(&reused_wg, 1);
    if (write(hold_fds[1], &c, 1) != 1)
        _exit(98);
    sleep(CHILD_TIMEOUT_S / 2); /* the waiter's panic ends the child long before */
    _exit(97);
}

static void test_panic_waitgroup_reused(void **state)
{
    (void)state;
    static struct child_result r;
    run_child(trigger_wg_reused, &r);
    check_panic_result(&r, "sync: WaitGroup is reused before previous Wait has returned", 0, "reused_waiter_fn");
}

static void test_panic_custom(void **state)
{
    (void)state;
    check_panic(trigger_custom, "custom 42", 1, "trigger_custom");
    check_panic(trigger_custom_in_goroutine, "from a goroutine: boom", 0, "goroutine_panics_fn");
}

static void test_panic_go_nil_and_nil_key(void **state)
{
    (void)state;
    check_panic(trigger_go_nil, "go of nil func value", 1, "trigger_go_nil");
    check_panic(trigger_context_nil_key, "nil key", 1, "trigger_context_nil_key");
}

static void test_panic_while_main_exits(void **state)
{
    (void)state;
    check_panic(trigger_panic_as_main_exits, "while main exits", 0, "panics_as_main_exits_fn");
}

/* The harness itself: a child that does not panic is caught. */
static void no_panic(void)
{
}

static void test_harness_detects_no_panic(void **state)
{
    (void)state;
    static struct child_result r;
    run_child(no_panic, &r);
    assert_true(WIFEXITED(r.status));
    assert_int_equal(WEXITSTATUS(r.status), 99);
}

int main(void)
{
    alarm(WATCHDOG_S);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_harness_detects_no_panic),
        cmocka_unit_test(test_panic_close_of_closed),
        cmocka_unit_test(test_panic_close_of_nil),
        cmocka_unit_test(test_panic_send_on_closed),
        cmocka_unit_test(test_panic_send_on_closed_while_blocked),
        cmocka_unit_test(test_panic_negative_waitgroup),
        cmocka_unit_test(test_panic_free_with_blocked),
        cmocka_unit_test(test_panic_use_of_freed),
        cmocka_unit_test(test_panic_waitgroup_reused),
        cmocka_unit_test(test_panic_go_nil_and_nil_key),
        cmocka_unit_test(test_panic_custom),
        cmocka_unit_test(test_panic_while_main_exits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
