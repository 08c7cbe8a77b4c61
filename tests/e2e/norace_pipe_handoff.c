/* Ping-pong through two pipes: each side writes the shared message, then
 * write()s a byte; the other side read()s the byte before touching the
 * message. Like Go's channels over a file descriptor: a write to a pipe
 * happens before the read that receives its data. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define ROUNDS 10

static int ping[2], pong[2];
int message;

static void *echo(void *arg)
{
    (void)arg;
    char c;
    for (int i = 0; i < ROUNDS; i++) {
        if (read(ping[0], &c, 1) != 1)
            return NULL;
        message = message * 2 + 1;
        if (write(pong[1], &c, 1) != 1)
            return NULL;
    }
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pipe(ping) || pipe(pong))
        return 1;
    pthread_create(&t, NULL, echo, NULL);
    char c = 'x';
    for (int i = 0; i < ROUNDS; i++) {
        message += 1;
        if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
            return 1;
    }
    pthread_join(t, NULL);
    printf("message=%d\n", message);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: message=3069
// EXPECT-NOT: WARNING
