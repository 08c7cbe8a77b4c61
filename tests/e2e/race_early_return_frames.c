/* Functions that return at once on a null argument: crace cc's gcc
 * plugin gives that path no function entry and exit (nothing on it can be
 * reported), as clang's build makes none for a function without accesses.
 * Every other path must keep both, balanced, or the stacks of later
 * reports lose or gain frames. Each thread first sums a list recursively
 * (the recursion ends on the null next of the last node: the early path)
 * and calls bump with a null pointer many times, then bumps the shared
 * total: the race, with both stacks three frames deep, in order. The
 * sleep orders the threads in time (it creates no happens-before). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct node {
    struct node *next;
    int val;
};

static struct node list[3] = {{&list[1], 1}, {&list[2], 2}, {NULL, 3}};
static int total;

__attribute__((noinline)) static int sum(const struct node *n)
{
    if (!n)
        return 0;
    return n->val + sum(n->next);
}

__attribute__((noinline)) static void bump(int *p, int by)
{
    if (!p)
        return;
    *p += by; // LINE:bump
}

__attribute__((noinline)) static void tally(int *to)
{
    int s = 0;
    for (int i = 0; i < 1000; i++) {
        s += sum(list);
        bump(NULL, s);
    }
    bump(to, s); // LINE:call_bump
}

static void *worker(void *arg)
{
    tally(arg); // LINE:call_tally
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, &total); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, worker, &total); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("total=%d\n", total);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   bump()
// EXPECT:       {{FILE}}:{{LINE:bump}} {{OFF}}
// EXPECT:   tally()
// EXPECT:       {{FILE}}:{{LINE:call_bump}} {{OFF}}
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:call_tally}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   bump()
// EXPECT:       {{FILE}}:{{LINE:bump}} {{OFF}}
// EXPECT:   tally()
// EXPECT:       {{FILE}}:{{LINE:call_bump}} {{OFF}}
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:call_tally}} {{OFF}}
// EXPECT: Location is global 'total' of size 4 at {{ADDR}} (race_early_return_frames+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
