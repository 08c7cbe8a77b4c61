/* A worker writes to an eventfd that main watches with epoll; main waits,
 * reads the count and closes the eventfd while the worker may still be
 * returning from its write. The write hands the data, and the worker's
 * use of the descriptor, to the epoll_wait that reports it: the close is
 * ordered after the use, no race (ThreadSanitizer's epoll_norace). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static int payload;

static void *worker(void *arg)
{
    int fd = (int)(intptr_t)arg;
    payload = 42;
    uint64_t one = 1;
    (void)!write(fd, &one, sizeof(one));
    return NULL;
}

int main(void)
{
    int ep = epoll_create1(0);
    int fd = eventfd(0, 0);
    if (ep < 0 || fd < 0)
        return 1;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
        return 1;
    pthread_t t;
    pthread_create(&t, NULL, worker, (void *)(intptr_t)fd);
    struct epoll_event got;
    if (epoll_wait(ep, &got, 1, -1) != 1)
        return 1;
    printf("payload=%d\n", payload);
    close(fd);
    pthread_join(t, NULL);
    close(ep);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: payload=42
// EXPECT-NOT: WARNING
