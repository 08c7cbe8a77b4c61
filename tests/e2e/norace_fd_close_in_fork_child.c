/* A worker uses two pipes (it writes to one and sits in a read on the
 * other) when main forks; the child closes every descriptor it inherited,
 * as a child about to exec does. The child's descriptors are copies in a
 * table of its own: its closes cannot meet the worker's uses, which stay
 * in the parent. No race; and in the parent, the worker's uses and main's
 * later closes are ordered by the pipe and the join. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int out[2], in[2];

static void *worker(void *arg)
{
    (void)arg;
    char c;
    (void)!write(out[1], "w", 1);
    (void)!read(in[0], &c, 1); /* until main says done */
    return NULL;
}

int main(void)
{
    if (pipe(out) != 0 || pipe(in) != 0)
        return 1;
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    char c;
    if (read(out[0], &c, 1) != 1)
        return 1;
    usleep(20 * 1000); /* the worker sits in its read */
    pid_t pid = fork();
    if (pid == 0) {
        close(out[0]);
        close(out[1]);
        close(in[0]);
        close(in[1]);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    (void)!write(in[1], "d", 1);
    pthread_join(t, NULL);
    close(out[0]);
    close(out[1]);
    close(in[0]);
    close(in[1]);
    printf("child %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: child 0
// EXPECT-NOT: WARNING
