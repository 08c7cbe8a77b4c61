/* The twin of race_libc_process_results: the worker's waitpid, poll and
 * getrusage fill in shared results, and main reads them after joining it;
 * another thread reads each pollfd's descriptor while the poll runs (poll
 * writes revents alone), and main's own select rewrites its own sets. No
 * report. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

static int status;
static struct pollfd ready[2];
static struct rusage usage;

static void *worker(void *arg)
{
    (void)arg;
    pid_t child = fork();
    if (child == 0)
        _exit(3);
    waitpid(child, &status, 0);
    poll(ready, 2, 1000);
    getrusage(RUSAGE_SELF, &usage);
    return NULL;
}

static void *fd_reader(void *arg)
{
    (void)arg;
    return (void *)(long)(ready[0].fd + ready[1].fd + ready[0].events);
}

int main(void)
{
    int fds[2];
    if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1)
        return 1;
    ready[0] = (struct pollfd){.fd = fds[0], .events = POLLIN};
    ready[1] = (struct pollfd){.fd = fds[1], .events = POLLOUT};
    pthread_t t, r;
    pthread_create(&t, NULL, worker, NULL);
    pthread_create(&r, NULL, fd_reader, NULL);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(fds[0], &rd);
    struct timeval tv = {1, 0};
    int n = select(fds[0] + 1, &rd, NULL, NULL, &tv);
    pthread_join(r, NULL);
    pthread_join(t, NULL);
    printf("%d %d %d %d\n", WEXITSTATUS(status), (ready[0].revents & POLLIN) != 0, usage.ru_maxrss > 0,
           n == 1 && FD_ISSET(fds[0], &rd));
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 3 1 1 1
// EXPECT-NOT: WARNING
