/* Two threads write disjoint elements of a global array, except element 5
 * which both write: exactly one race. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int arr[8];

static void *even(void *arg)
{
    (void)arg;
    arr[0] = 1;
    arr[2] = 1;
    arr[5] = 1; // LINE:even_5
    return NULL;
}

static void *odd(void *arg)
{
    (void)arg;
    arr[1] = 2;
    arr[3] = 2;
    arr[5] = 2; // LINE:odd_5
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, even, NULL); // LINE:create_a
    usleep(100 * 1000);
    pthread_create(&b, NULL, odd, NULL); // LINE:create_b
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    int sum = 0;
    for (int i = 0; i < 8; i++)
        sum += arr[i];
    printf("sum=%d\n", sum);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: sum=8
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   odd()
// EXPECT:       {{FILE}}:{{LINE:odd_5}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   even()
// EXPECT:       {{FILE}}:{{LINE:even_5}} {{OFF}}
// EXPECT: Location is global 'arr' of size 32 at {{ADDR}} (race_array_element+{{ADDR}})
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_b}} {{OFF}}
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create_a}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
