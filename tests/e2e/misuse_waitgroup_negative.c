/* Two workers each call Done, but only one was added: the second Done
 * (the first worker's is waited for before the second starts) panics.
 * The panic also shows where the counter last reached zero. */
#include <unistd.h>

#include <gochan.h>

static waitgroup_t wg = WAITGROUP_INIT;

static void worker(void *arg)
{
    (void)arg;
    waitgroup_done(&wg); // LINE:done
}

int main(void)
{
    waitgroup_add(&wg, 1);
    go(worker, NULL);
    waitgroup_wait(&wg);
    go(worker, NULL);
    for (;;)
        usleep(1000 * 1000); /* the second worker's panic ends the program */
}

// EXPECT-EXIT: 66
// EXPECT: panic: sync: negative WaitGroup counter
// EXPECT:
// EXPECT: goroutine 3 [running]:
// EXPECT: worker()
// EXPECT: 	{{FILE}}:{{LINE:done}} {{OFF}}
// EXPECT:
// EXPECT: waitgroup {{ADDR}} counter last reached zero in goroutine 2 at:
// EXPECT: worker()
// EXPECT: 	{{FILE}}:{{LINE:done}} {{OFF}}
// EXPECT-NOT: WARNING
