/* A channel used after chan_free: the send is a heap use after free
 * (the detector sees the send read the channel), and libgochan panics
 * with "use of freed channel" instead of waiting for ever on a lock word
 * the allocator has written over (it hung before). */
#include <stdio.h>

#include <gochan.h>

int main(void)
{
    chan_t *c = chan_make(sizeof(int), 1);
    chan_free(c); // LINE:free
    int v = 1;
    chan_try_send(c, &v); // LINE:send
    printf("not reached\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: HEAP USE AFTER FREE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT: Previous free at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
// EXPECT: panic: use of freed channel
// EXPECT:
// EXPECT: goroutine 1 [running]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:send}} {{OFF}}
// EXPECT-NOT: not reached
