/* A timeout made and given up at once (chan_after, then chan_free, which
 * cancels its timer), then a receive nobody will ever send to: every
 * goroutine is asleep and no timer is pending. libgochan's timer thread,
 * started by the first chan_after, counted as a goroutine until it ran
 * and said what it is; when main blocked before that, nothing looked
 * again and the program hung (two runs in three). */
#include <stdio.h>

#include <gochan.h>

int main(void)
{
    chan_t *timeout = chan_after(300 * 1000000LL);
    chan_t *replies = chan_make(sizeof(int), 0); // LINE:make
    chan_free(timeout);
    printf("waiting\n");
    fflush(stdout);
    int reply;
    chan_recv(replies, &reply); // LINE:recv
    printf("not reached\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: waiting
// EXPECT: fatal error: all goroutines are asleep - deadlock!
// EXPECT:
// EXPECT: goroutine 1 [chan receive]:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:recv}} {{OFF}}
// EXPECT: ... waits on channel {{ADDR}}
// EXPECT: ... channel created at:
// EXPECT: main()
// EXPECT: 	{{FILE}}:{{LINE:make}} {{OFF}}
// EXPECT-NOT: not reached
