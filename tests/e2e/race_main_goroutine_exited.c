/* main writes a variable and ends with pthread_exit; a worker writes it
 * later, unordered with main's write. The race names main's write as the
 * previous access, by the main goroutine, which has finished by then: the
 * JSON record says so too (tests/report/json_writer.sh; it said
 * "running", the state the text does not print for main). */
#include <pthread.h>
#include <unistd.h>

int value; /* not static: the compiler may not move main's write before the create */

static void *worker(void *arg)
{
    usleep(100 * 1000); /* main has exited by now */
    value = 2; // LINE:worker
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    value = 1; // LINE:main
    pthread_exit(NULL);
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'value' of size 4 at {{ADDR}} (race_main_goroutine_exited+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
