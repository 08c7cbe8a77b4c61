/* A reader-writer spin lock of the program's own, described with
 * ThreadSanitizer's custom mutex interface, as in
 * norace_tsan_custom_mutex.c. Two threads take it for reading and both
 * write the same counter: readers are not ordered with one another (one's
 * unlock does not happen before the other's lock), so the writes race.
 * The sleep orders them in time (it creates no happens-before), so the
 * report's goroutine numbers are deterministic. */
#include <pthread.h>
#include <sanitizer/tsan_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define WRITER 0x40000000

static int word;
int counter;

static void read_lock(void)
{
    __tsan_mutex_pre_lock(&word, __tsan_mutex_read_lock);
    for (;;) {
        int v = __atomic_load_n(&word, __ATOMIC_RELAXED);
        if (!(v & WRITER) &&
            __atomic_compare_exchange_n(&word, &v, v + 1, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            break;
    }
    __tsan_mutex_post_lock(&word, __tsan_mutex_read_lock, 0);
}

static void read_unlock(void)
{
    __tsan_mutex_pre_unlock(&word, __tsan_mutex_read_lock);
    __atomic_fetch_sub(&word, 1, __ATOMIC_RELAXED);
    __tsan_mutex_post_unlock(&word, __tsan_mutex_read_lock);
}

static void *reader(void *arg)
{
    read_lock();
    counter = (int)(intptr_t)arg; // LINE:racy
    read_unlock();
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, reader, (void *)1); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, reader, (void *)2); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("counter=%d\n", counter);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: counter=2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:racy}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:racy}} {{OFF}}
// EXPECT: Location is global 'counter' of size 4 at {{ADDR}} (race_tsan_custom_mutex_read_lock+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
