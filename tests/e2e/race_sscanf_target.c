/* A worker parses a number with sscanf into a global while main, without
 * synchronisation, reads it: libc writes the destination on the worker's
 * behalf, unseen by the compiler's instrumentation. The sleep orders them
 * in time (it creates no happens-before). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int port;

static void *worker(void *arg)
{
    (void)arg;
    sscanf("listen 8080", "listen %d", &port); // LINE:parse
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    usleep(100 * 1000);
    int p = port; // LINE:read
    pthread_join(t, NULL);
    printf("port=%d\n", p);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: port=8080
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:parse}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'port' of size 4 at {{ADDR}} (race_sscanf_target+{{ADDR}})
// EXPECT-COUNT: 1 WARNING: DATA RACE
