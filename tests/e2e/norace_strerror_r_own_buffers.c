/* The twin of race_strerror_r_buffer.c: each thread formats its error
 * messages into a buffer of its own, with the GNU strerror_r and the
 * POSIX one; main reads the worker's after joining it. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

int __xpg_strerror_r(int errnum, char *buf, size_t n);

static char worker_message[256], main_message[256];

static void *worker(void *arg)
{
    (void)arg;
    strerror_r(-1, worker_message, sizeof(worker_message));
    __xpg_strerror_r(EPERM, worker_message, sizeof(worker_message));
    return NULL;
}

int main(void)
{
    pthread_t th;
    pthread_create(&th, NULL, worker, NULL);
    strerror_r(-2, main_message, sizeof(main_message));
    pthread_join(th, NULL);
    printf("%d %d\n", worker_message[0] != 0, main_message[0] != 0);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 1 1
// EXPECT-NOT: WARNING
