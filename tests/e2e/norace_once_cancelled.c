/* A pthread_once init function cancelled halfway (its goroutine is
 * cancelled in the sleep): glibc resets the once control, and main's
 * pthread_once, which waited for it, runs the init again. What the
 * cancelled run wrote happens before the second run (glibc's reset is a
 * release its retry acquires), and main waiting for a goroutine that is
 * gone is no deadlock. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static int first_attempt = 1, value;

static void setup(void)
{
    if (first_attempt) {
        first_attempt = 0;
        sleep(1); /* cancelled here */
    }
    value = 5;
}

static void *starter(void *arg)
{
    (void)arg;
    pthread_once(&setup_once, setup);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, starter, NULL);
    usleep(100 * 1000);
    pthread_cancel(t);
    pthread_once(&setup_once, setup);
    void *r;
    pthread_join(t, &r);
    printf("value %d, cancelled %d\n", value, r == PTHREAD_CANCELED);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: value 5, cancelled 1
// EXPECT-NOT: WARNING
