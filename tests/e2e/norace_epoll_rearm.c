/* A one-shot descriptor in an epoll set, re-armed (EPOLL_CTL_MOD) by a
 * thread after it prepared data: the epoll_wait that then reports the
 * descriptor comes after the re-arm, so the waiter sees the data. */
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static int ep, ev_fd;
static int prepared;

static void *rearm(void *arg)
{
    (void)arg;
    prepared = 42;
    struct epoll_event e = {.events = EPOLLIN | EPOLLONESHOT};
    epoll_ctl(ep, EPOLL_CTL_MOD, ev_fd, &e);
    return NULL;
}

int main(void)
{
    ep = epoll_create1(0);
    ev_fd = eventfd(1, 0); /* readable from the start, never read */
    struct epoll_event e = {.events = EPOLLIN | EPOLLONESHOT}, got;
    epoll_ctl(ep, EPOLL_CTL_ADD, ev_fd, &e);
    if (epoll_wait(ep, &got, 1, -1) != 1) /* the first report disarms it */
        return 1;
    pthread_t t;
    pthread_create(&t, NULL, rearm, NULL);
    if (epoll_wait(ep, &got, 1, -1) != 1) /* only after the re-arm */
        return 1;
    printf("prepared=%d\n", prepared);
    pthread_join(t, NULL);
    close(ev_fd);
    close(ep);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: prepared=42
// EXPECT-NOT: WARNING
