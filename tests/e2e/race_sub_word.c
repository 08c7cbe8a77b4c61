/* Accesses of different sizes in one 2-byte field: thread A writes the
 * high byte; thread B writes the low byte (no race: other byte), then the
 * whole field with one 2-byte store, which overlaps A's byte: one race. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

union half {
    uint16_t whole;
    uint8_t byte[2];
};

union half u;

static __attribute__((noinline)) void set_whole(uint16_t v)
{
    u.whole = v; // LINE:whole
}

static void *byte_writer(void *arg)
{
    (void)arg;
    u.byte[1] = 0xab; // LINE:high
    return NULL;
}

static void *word_writer(void *arg)
{
    (void)arg;
    u.byte[0] = 0xcd;
    set_whole(0x1234); // LINE:call
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, byte_writer, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, word_writer, NULL); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("whole=0x%x\n", u.whole);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: whole=0x1234
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   set_whole()
// EXPECT:       {{FILE}}:{{LINE:whole}} {{OFF}}
// EXPECT:   word_writer()
// EXPECT:       {{FILE}}:{{LINE:call}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   byte_writer()
// EXPECT:       {{FILE}}:{{LINE:high}} {{OFF}}
// EXPECT: Location is global 'u' of size 2 at {{ADDR}} (race_sub_word+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
