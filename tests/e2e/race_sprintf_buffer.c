/* A worker formats a message into a global buffer with snprintf while
 * main, without synchronisation, prints the buffer with printf's %s: libc
 * writes the one and reads the other on their behalf, unseen by the
 * compiler's instrumentation. The sleep orders them in time (it creates no
 * happens-before), so the report's goroutine numbers are deterministic. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

char message[64];

static void *worker(void *arg)
{
    (void)arg;
    snprintf(message, sizeof(message), "worker %d done", 1); // LINE:format
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    usleep(100 * 1000);
    printf("message: %.40s\n", message); // LINE:print
    pthread_join(t, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: message: worker 1 done
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:print}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:format}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'message' of size 64 at {{ADDR}} (race_sprintf_buffer+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT-COUNT: 1 WARNING: DATA RACE
