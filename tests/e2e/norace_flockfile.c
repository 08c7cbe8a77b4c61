/* Threads that update shared data while holding a stream's own lock
 * (flockfile / funlockfile, as when they keep several writes to a stream
 * together) are ordered by it, as by a mutex. */
#include <pthread.h>
#include <stdio.h>

static long lines_written;

static void *logger(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        flockfile(stderr);
        lines_written++;
        funlockfile(stderr);
        if (ftrylockfile(stderr) == 0) {
            lines_written++;
            funlockfile(stderr);
        }
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, logger, NULL);
    pthread_create(&b, NULL, logger, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("at least 200: %d\n", lines_written >= 200);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: at least 200: 1
// EXPECT-NOT: WARNING
