/* An unbuffered send with nobody to receive it: every goroutine is
 * asleep. Go's own runtime reports this; under -race it hangs. */
#include <gochan.h>

int main(void)
{
    chan_t *c = chan_make(sizeof(int), 0); // LINE:make
    int v = 42;
    chan_send(c, &v); // LINE:send
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT:
// EXPECT: goroutine 1 [chan send]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: ... waits on channel {{ADDR}}
// EXPECT: ... channel created at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT-NOT: WARNING: DATA RACE
