/* A stage sends its output on an unbuffered channel nobody reads: every
 * goroutine is asleep. */
#include <gochan.h>

int main(void)
{
    chan_t *out = chan_make(sizeof(int), 0);
    int v = 42;
    chan_send(out, &v);
    return 0;
}
