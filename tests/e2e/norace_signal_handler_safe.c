/* Signal handlers that do only what is async-signal-safe are not
 * reported: one writes to a pipe and calls a failing close() but puts
 * errno back before it returns (raised by main, then sent by another
 * thread while main waits for it), another leaves by siglongjmp, and
 * main allocates after the jump. errno, as main sees it after each
 * signal, is what it was before. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int fds[2];
static sigjmp_buf env;
static volatile sig_atomic_t got;

static void writer(int sig)
{
    (void)sig;
    int saved = errno;
    char c = 'x';
    if (write(fds[1], &c, 1) != 1)
        _exit(3);
    close(-1);
    got = 1;
    errno = saved;
}

static void jumping(int sig)
{
    (void)sig;
    siglongjmp(env, 1);
}

static void *sender(void *arg)
{
    pthread_kill(*(pthread_t *)arg, SIGUSR1);
    return NULL;
}

int main(void)
{
    if (pipe(fds) != 0)
        return 2;
    signal(SIGUSR1, writer);
    signal(SIGUSR2, jumping);
    errno = ERANGE;
    raise(SIGUSR1);
    int kept = errno == ERANGE;
    got = 0;
    pthread_t self = pthread_self(), t;
    pthread_create(&t, NULL, sender, &self);
    while (!got)
        sched_yield();
    pthread_join(t, NULL);
    if (sigsetjmp(env, 1) == 0)
        raise(SIGUSR2);
    free(malloc(64));
    char buf[2];
    ssize_t n = read(fds[0], buf, 2);
    printf("errno kept: %d, bytes: %zd\n", kept, n);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: errno kept: 1, bytes: 2
// EXPECT-NOT: WARNING
