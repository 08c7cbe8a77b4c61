/* A lazily built configuration whose init function reads a setting
 * through the same lazy getter: pthread_once on the once control whose
 * init function is running, in the same goroutine. glibc's call waits
 * for the init to finish, forever. Reported as a cycle of one, with
 * where the init was entered; the race-free twin is norace_once_waiters. */
#include <pthread.h>
#include <stdio.h>

static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static int config_value;

static void load_config(void);

static int config_get(void)
{
    pthread_once(&config_once, load_config); // LINE:again
    return config_value;
}

static void load_config(void)
{
    config_value = 42;
    if (config_get() != 42) // LINE:inner
        config_value = 0;
}

int main(void)
{
    printf("config %d\n", config_get()); // LINE:first
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DEADLOCK
// EXPECT: Goroutines waiting for each other in a cycle: 1 -> 1
// EXPECT: Goroutine 1 blocks in pthread_once on once control {{ADDR}}, whose init function goroutine 1 runs:
// EXPECT:   config_get()
// EXPECT:       {{FILE}}:{{LINE:again}} {{OFF}}
// EXPECT:   load_config()
// EXPECT:       {{FILE}}:{{LINE:inner}} {{OFF}}
// EXPECT:   config_get()
// EXPECT:       {{FILE}}:{{LINE:again}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT: Once control {{ADDR}} entered by goroutine 1 at:
// EXPECT:   config_get()
// EXPECT:       {{FILE}}:{{LINE:again}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:first}} {{OFF}}
// EXPECT-NOT: config 42
