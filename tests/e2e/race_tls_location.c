/* Thread-local variables reached from another goroutine through a
 * pointer, unsynchronised: the reports say whose TLS it is ("Location is
 * TLS of goroutine 2", "of main goroutine"), not a stack, nor nothing. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

static _Thread_local long mine[4];
static long *worker_tls, *main_tls;
static sem_t published;

static void *owner(void *arg)
{
    (void)arg;
    worker_tls = mine;
    sem_post(&published);
    usleep(50 * 1000);
    mine[1] = 5; // LINE:owner
    usleep(200 * 1000);
    return NULL;
}

static void *peeker(void *arg)
{
    (void)arg;
    sem_wait(&published);
    usleep(100 * 1000);
    long v = worker_tls[1]; // LINE:peek
    main_tls[2] = v;        // LINE:poke
    return NULL;
}

int main(void)
{
    sem_init(&published, 0, 0);
    main_tls = mine;
    mine[2] = 1;
    pthread_t a, b;
    pthread_create(&a, NULL, owner, NULL);
    pthread_create(&b, NULL, peeker, NULL);
    usleep(20 * 1000);
    mine[2] = 2; // LINE:main2
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   peeker()
// EXPECT:       {{FILE}}:{{LINE:peek}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   owner()
// EXPECT:       {{FILE}}:{{LINE:owner}} {{OFF}}
// EXPECT: Location is TLS of goroutine 2.
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   peeker()
// EXPECT:       {{FILE}}:{{LINE:poke}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main2}} {{OFF}}
// EXPECT: Location is TLS of main goroutine.
// EXPECT-COUNT: 2 WARNING: DATA RACE
