/* A worker hits an error and calls exit(1) while main waits in
 * pthread_join for it: a common way to give up. Nothing is blocked
 * forever; the process is ending. Exit 1 (the program's own), no report.
 * main was reported as a GOROUTINE LEAK, "waits for goroutine 2 to end",
 * with an empty "created at" section. Found running SQLite's
 * threadtest4 under crace. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *worker(void *arg)
{
    (void)arg;
    usleep(100 * 1000); /* main is in pthread_join by now */
    fprintf(stderr, "worker: fatal error, giving up\n");
    exit(1);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    puts("not reached");
    return 0;
}

// EXPECT-EXIT: 1
// EXPECT: worker: fatal error, giving up
// EXPECT-NOT: not reached
// EXPECT-NOT: WARNING
