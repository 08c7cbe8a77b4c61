/* Two detached threads (one created detached, one detached afterwards)
 * write the same global; nobody joins them. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int value;

static void *worker(void *arg)
{
    value = (int)(long)arg; // LINE:store
    return NULL;
}

int main(void)
{
    pthread_attr_t attr;
    pthread_t a, b;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&a, &attr, worker, (void *)1); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, worker, (void *)2); // LINE:create_b
    pthread_detach(b);
    usleep(100 * 1000);
    pthread_attr_destroy(&attr);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: Location is global 'value' of size 4 at {{ADDR}} (race_detached_thread+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
