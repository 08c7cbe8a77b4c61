/* 16-byte accesses cover two 8-byte granules: thread A writes only the
 * upper halves of two 16-byte objects; thread B then stores a whole
 * __int128 (a 16-byte write) and copies a 16-byte struct (a 16-byte read,
 * or a memcpy call, depending on the compiler). Both overlap A's writes
 * only in their second granule: two races. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

union wide {
    __int128 whole;
    uint64_t half[2];
};

struct pair {
    uint64_t lo, hi;
};

union wide w;
struct pair src, dst;

static void *high_writer(void *arg)
{
    (void)arg;
    w.half[1] = 7; // LINE:high
    src.hi = 9; // LINE:src_hi
    return NULL;
}

static void *wide_writer(void *arg)
{
    w.whole = (__int128)(long)arg; // LINE:whole
    dst = src; // LINE:copy
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, high_writer, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, wide_writer, (void *)5); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("lo=%lu hi=%lu dst.hi=%lu\n", (unsigned long)w.half[0], (unsigned long)w.half[1],
           (unsigned long)dst.hi);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: lo=5 hi=0 dst.hi=9
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   wide_writer()
// EXPECT:       {{FILE}}:{{LINE:whole}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   high_writer()
// EXPECT:       {{FILE}}:{{LINE:high}} {{OFF}}
// EXPECT: Location is global 'w' of size 16 at {{ADDR}} (race_16byte+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   wide_writer()
// EXPECT:       {{FILE}}:{{LINE:copy}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   high_writer()
// EXPECT:       {{FILE}}:{{LINE:src_hi}} {{OFF}}
// EXPECT: Location is global 'src' of size 16 at {{ADDR}} (race_16byte+{{ADDR}})
// EXPECT: ==================
// EXPECT: Found 2 data race(s)
// EXPECT-COUNT: 2 WARNING: DATA RACE
