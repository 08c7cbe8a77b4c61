/* Two findings on one pair of lines: a goroutine copies the shared
 * pointer and later reads through the copy, all on one line, while
 * another one reallocates the block (moving it) and stores the new
 * pointer, on one line too. The pointer's race and the read of the block
 * realloc freed are both reported (the second went unreported: reports
 * were told apart by their lines only). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int *p;

static void *grower(void *arg)
{
    (void)arg;
    usleep(50 * 1000);
    p = realloc(p, 1 << 16); // LINE:realloc
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    int *q = p; usleep(150 * 1000); int v = q[1]; // LINE:stale
    return (void *)(size_t)v;
}

int main(void)
{
    p = malloc(40);
    for (int i = 0; i < 10; i++)
        p[i] = i;
    pthread_t a, b;
    pthread_create(&a, NULL, reader, NULL);
    pthread_create(&b, NULL, grower, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d\n", p[1]);
    free(p);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   grower()
// EXPECT:       {{FILE}}:{{LINE:realloc}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:stale}} {{OFF}}
// EXPECT: Location is global 'p' of size 8 at {{ADDR}} (race_realloc_stale_pointer+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 2:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:stale}} {{OFF}}
// EXPECT:   grower()
// EXPECT:       {{FILE}}:{{LINE:realloc}} {{OFF}}
// EXPECT: Location is freed heap block of size 40 at {{ADDR}} allocated by main goroutine:
// EXPECT-COUNT: 2 WARNING: DATA RACE
