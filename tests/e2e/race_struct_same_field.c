/* Two threads write the same field of a global struct (and each also a
 * field of its own, which must not be reported): one race, on 'b'. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct config {
    int a;
    int b;
    int c;
};

struct config cfg;

static void *first(void *arg)
{
    (void)arg;
    cfg.a = 1;
    cfg.b = 1; // LINE:first_b
    return NULL;
}

static void *second(void *arg)
{
    (void)arg;
    cfg.c = 2;
    cfg.b = 2; // LINE:second_b
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, first, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, second, NULL); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("a=%d b=%d c=%d\n", cfg.a, cfg.b, cfg.c);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: a=1 b=2 c=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   second()
// EXPECT:       {{FILE}}:{{LINE:second_b}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   first()
// EXPECT:       {{FILE}}:{{LINE:first_b}} {{OFF}}
// EXPECT: Location is global 'cfg' of size 12 at {{ADDR}} (race_struct_same_field+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
