/* A seq_cst compare-exchange (it releases: its check is made under the
 * word's lock, its report after) on a word main wrote plainly, with
 * nothing ordering the two: the sleep orders nothing. One race, the
 * exchange against main's write. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static _Atomic long word;

static void *swapper(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    long expected = 7;
    return (void *)(long)atomic_compare_exchange_strong(&word, &expected, 8); // LINE:cas
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, swapper, NULL);
    *(long *)&word = 7; // LINE:plain
    void *ok;
    pthread_join(t, &ok);
    printf("%ld\n", (long)ok);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 1
// EXPECT: WARNING: DATA RACE
// EXPECT: Atomic write at {{ADDR}} by goroutine 2:
// EXPECT:   swapper()
// EXPECT:       {{FILE}}:{{LINE:cas}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:plain}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
