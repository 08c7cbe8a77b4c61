/* The race-free twins of race_fd_close.c: a descriptor closed after its
 * users are joined; closed after a message through the pipe itself says
 * its writer is done with it; and a number closed by one goroutine and
 * given at once to another, which opens or creates a descriptor on it
 * without any ordering with the close (the kernel orders them): opened
 * with open(), and made by a call crace does not see (epoll_create), whose
 * uses must not meet the earlier close. Last, /dev/null put in place of a
 * descriptor with dup2 while another goroutine writes to it, as daemons
 * do with stdout: the number names an open file throughout. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>

static int fds[2];
static int done[2];

static void *writer(void *arg)
{
    (void)arg;
    (void)!write(fds[1], "a", 1);
    return NULL;
}

/* Writes to its pipe, then says so on another one and never touches the
 * first again. */
static void *writer_then_done(void *arg)
{
    (void)arg;
    (void)!write(fds[1], "b", 1);
    (void)!write(done[1], "!", 1);
    return NULL;
}

static int out_fd;

static void *chatter(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++)
        (void)!write(out_fd, "y", 1);
    return NULL;
}

static void *reopen(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd < 0)
            return NULL;
        (void)!write(fd, "x", 1);
        close(fd);
    }
    return NULL;
}

static void *epolls(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        int ep = epoll_create1(0);
        if (ep < 0)
            return NULL;
        struct epoll_event ev;
        (void)epoll_wait(ep, &ev, 1, 0);
        close(ep);
    }
    return NULL;
}

int main(void)
{
    char c;
    if (pipe(fds) != 0 || pipe(done) != 0)
        return 1;
    pthread_t t, u;
    pthread_create(&t, NULL, writer, NULL);
    pthread_join(t, NULL);
    close(fds[1]);
    if (read(fds[0], &c, 1) != 1)
        return 1;
    close(fds[0]);

    if (pipe(fds) != 0)
        return 1;
    pthread_create(&t, NULL, writer_then_done, NULL);
    if (read(done[0], &c, 1) != 1)
        return 1;
    close(fds[1]);
    pthread_join(t, NULL);

    /* Numbers closed here are taken at once by the other goroutines. */
    pthread_create(&t, NULL, reopen, NULL);
    pthread_create(&u, NULL, epolls, NULL);
    for (int i = 0; i < 200; i++) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0)
            return 1;
        (void)!read(fd, &c, 1);
        close(fd);
    }
    pthread_join(t, NULL);
    pthread_join(u, NULL);

    out_fd = open("/dev/null", O_WRONLY);
    int quiet = open("/dev/null", O_WRONLY);
    if (out_fd < 0 || quiet < 0)
        return 1;
    pthread_create(&t, NULL, chatter, NULL);
    if (dup2(quiet, out_fd) < 0)
        return 1;
    pthread_join(t, NULL);
    close(quiet);
    close(out_fd);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: done
// EXPECT-NOT: WARNING
