/* A barrier inside a zero-filled record (calloc) that nobody initialised:
 * glibc's wait divides by its count, 0, and the process dies of SIGFPE.
 * The misuse report, made before the call, says why; `crace run` exits
 * 66 (a finding) and says which signal killed the program. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct stage {
    pthread_barrier_t done;
    int items;
};

static void stage_finish(struct stage *s)
{
    pthread_barrier_wait(&s->done); // LINE:wait
}

int main(void)
{
    struct stage *s = calloc(1, sizeof(*s));
    printf("items: %d\n", s->items);
    fflush(stdout);
    stage_finish(s);
    printf("not reached\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: items: 0
// EXPECT: WARNING: MISUSE OF BARRIER
// EXPECT: pthread_barrier_wait of barrier {{ADDR}} by goroutine 1, which holds no initialised barrier (never initialised, or overwritten since):
// EXPECT:   stage_finish()
// EXPECT:       {{FILE}}:{{LINE:wait}} {{OFF}}
// EXPECT:   main()
// EXPECT: panic: runtime error: integer divide by zero
// EXPECT-COUNT: 1 WARNING: MISUSE OF BARRIER
// EXPECT-NOT: not reached
