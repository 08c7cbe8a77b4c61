/* More results libc fills in for its caller: a worker waits for a child
 * into a shared status (waitpid), polls a pipe into a shared pollfd's
 * revents, and reads its resource use into a shared struct rusage; main
 * reads all three after a sleep, which orders nothing. Three races, each
 * with the libc call's line. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
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
    waitpid(child, &status, 0); // LINE:waitpid
    poll(ready, 2, 1000); // LINE:poll
    getrusage(RUSAGE_SELF, &usage); // LINE:getrusage
    return NULL;
}

int main(void)
{
    int fds[2];
    if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1)
        return 1;
    ready[0] = (struct pollfd){.fd = fds[0], .events = POLLIN};
    ready[1] = (struct pollfd){.fd = fds[1], .events = POLLOUT};
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(300 * 1000);
    int code = WEXITSTATUS(status); // LINE:status
    int in = ready[0].revents & POLLIN; // LINE:revents
    long maxrss = usage.ru_maxrss; // LINE:usage
    pthread_join(t, NULL);
    printf("%d %d %d\n", code, in != 0, maxrss > 0);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 3 1 1
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:status}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:waitpid}} {{OFF}}
// EXPECT: Location is global 'status' of size 4 at {{ADDR}} (race_libc_process_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:revents}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:       {{FILE}}:{{LINE:poll}} {{OFF}}
// EXPECT: Location is global 'ready' of size 16 at {{ADDR}} (race_libc_process_results+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:usage}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:       {{FILE}}:{{LINE:getrusage}} {{OFF}}
// EXPECT: Location is global 'usage' of size 144 at {{ADDR}} (race_libc_process_results+{{ADDR}})
// EXPECT-COUNT: 3 WARNING: DATA RACE
