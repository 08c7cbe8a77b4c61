/* strlen reads a string that a later thread modifies: the intercepted
 * strlen is the previous read, reported at its caller's line. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char str[32] = "hello";

static void *measure(void *arg)
{
    (void)arg;
    return (void *)strlen(str); // LINE:strlen
}

static void *modify(void *arg)
{
    (void)arg;
    str[2] = 'L'; // LINE:write
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    void *len;
    pthread_create(&a, NULL, measure, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, modify, NULL); // LINE:create_b
    pthread_join(a, &len);
    pthread_join(b, NULL);
    printf("len=%zu str=%s\n", (size_t)len, str);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: len=5 str=heLlo
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   modify()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   measure()
// EXPECT:       {{FILE}}:{{LINE:strlen}} {{OFF}}
// EXPECT: Location is global 'str' of size 32 at {{ADDR}} (race_strlen_vs_write+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
