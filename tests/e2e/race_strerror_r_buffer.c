/* Two threads format error messages into one shared buffer with
 * strerror_r (the GNU one here, which writes the buffer inside libc for
 * an error number it has no message of its own for):
 * a race on the buffer, at the two calls. The twin,
 * norace_strerror_r_own_buffers.c, gives each thread its own. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char message[256];

static void *worker(void *arg)
{
    (void)arg;
    strerror_r(-1, message, sizeof(message)); // LINE:worker
    return NULL;
}

int main(void)
{
    pthread_t th;
    pthread_create(&th, NULL, worker, NULL);
    usleep(100 * 1000);
    strerror_r(-2, message, sizeof(message)); // LINE:main
    pthread_join(th, NULL);
    printf("%s\n", message[0] ? "formatted" : "empty");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: formatted
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker}} {{OFF}}
// EXPECT: Location is global 'message' of size 256 at {{ADDR}} (race_strerror_r_buffer+{{ADDR}})
