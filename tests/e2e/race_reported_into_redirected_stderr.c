/* The program points its stderr at a log file on purpose (dup2), then two
 * goroutines race: the report follows stderr into the log, as it would
 * under ThreadSanitizer and Go (printed at the end). The twin of
 * output_stderr_reused_by_data_file, where descriptor 2 was taken by
 * an open() after the program closed its stderr. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int counter;

static void *worker(void *arg)
{
    (void)arg;
    counter++; // LINE:inc
    return NULL;
}

int main(void)
{
    int log = open("log.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (log < 0 || dup2(log, 2) != 2)
        return 2;
    pthread_t t1, t2;
    pthread_create(&t1, NULL, worker, NULL);
    pthread_create(&t2, NULL, worker, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    char buf[8192];
    ssize_t n = pread(log, buf, sizeof(buf), 0);
    printf("log:\n");
    fwrite(buf, 1, n > 0 ? (size_t)n : 0, stdout);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: log:
// EXPECT: WARNING: DATA RACE
// EXPECT:       {{FILE}}:{{LINE:inc}} {{OFF}}
// EXPECT: crace: 1 process ran under the detector; found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
