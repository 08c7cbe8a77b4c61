/* The program closes its stderr (xz does at exit, to check for write
 * errors) and opens a data file, which takes descriptor 2; then two
 * goroutines race. The report must not land in the program's data: the
 * file holds exactly what the program wrote (printed at the end), and
 * the race is still counted (crace run's summary, its report directory,
 * status 66; the text of the report has nowhere to go, so the check is
 * crace run's count, made from the JSON records of its report directory).
 * The report went into the data file. The twin,
 * race_reported_into_redirected_stderr, points stderr at a log with dup2
 * on purpose: the report follows it there. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int counter;

static void *worker(void *arg)
{
    (void)arg;
    counter++;
    return NULL;
}

int main(void)
{
    fclose(stderr);
    int fd = open("data.out", O_CREAT | O_TRUNC | O_RDWR, 0644); /* descriptor 2 */
    if (fd != 2 || write(fd, "DATA\n", 5) != 5)
        return 2;
    pthread_t t1, t2;
    pthread_create(&t1, NULL, worker, NULL);
    pthread_create(&t2, NULL, worker, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    if (write(fd, "MORE\n", 5) != 5 || lseek(fd, 0, SEEK_SET) != 0)
        return 2;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));
    printf("data file: %zd bytes\n", n);
    fwrite(buf, 1, n > 0 ? (size_t)n : 0, stdout);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: data file: 10 bytes
// EXPECT: DATA
// EXPECT: MORE
// EXPECT: crace: 1 process ran under the detector; found 1 data race(s)
// EXPECT-NOT: WARNING
