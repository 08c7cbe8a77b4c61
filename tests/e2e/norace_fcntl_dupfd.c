/* A byte written through a copy of a pipe's write end made with fcntl
 * (F_DUPFD_CLOEXEC) hands the data written before it to the thread that
 * reads the byte, as through the original end or a dup(). */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int message;
static int copy_fd;

static void *sender(void *arg)
{
    (void)arg;
    message = 7;
    (void)!write(copy_fd, "x", 1);
    return NULL;
}

int main(void)
{
    int p[2];
    if (pipe(p) != 0)
        return 1;
    copy_fd = fcntl(p[1], F_DUPFD_CLOEXEC, 10);
    pthread_t t;
    pthread_create(&t, NULL, sender, NULL);
    char c;
    if (read(p[0], &c, 1) != 1)
        return 1;
    printf("message=%d\n", message);
    pthread_join(t, NULL);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: message=7
// EXPECT-NOT: WARNING
