/* A thread frees a block that a later thread still reads, with no
 * synchronisation: the free counts as a write of the whole block, so the
 * read races with it. The freeing thread stays alive (sleeping) so the
 * freed chunk stays in its cache and is not handed out again meanwhile. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *freer(void *arg)
{
    free(arg); // LINE:free
    usleep(200 * 1000);
    return NULL;
}

static void *user(void *arg)
{
    int *p = arg;
    return (void *)(long)p[3]; // LINE:use
}

int main(void)
{
    int *p = malloc(16 * sizeof(int));
    for (int i = 0; i < 16; i++)
        p[i] = i;
    pthread_t a, b;
    pthread_create(&a, NULL, freer, p); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, user, p); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   user()
// EXPECT:       {{FILE}}:{{LINE:use}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   freer()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
