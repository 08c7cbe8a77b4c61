/* Two threads increment a global without synchronisation: counter++ reads
 * and then writes it. clang instruments only the write (the write's check
 * finds every race the read's would); gcc instruments both, and crace cc's
 * gcc plugin drops the read, so both compilers report the same finding:
 * the second thread's write against the first's. The sleep orders them in
 * time (it creates no happens-before), so the goroutine numbers are
 * deterministic. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

long counter;

static void *worker(void *arg)
{
    (void)arg;
    counter++; // LINE:inc
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, worker, NULL); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("counter=%ld\n", counter);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:inc}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:inc}} {{OFF}}
// EXPECT: Location is global 'counter' of size 8 at {{ADDR}} (race_increment_one_write+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
