/* main allocates a block and publishes the pointer with a relaxed store,
 * without writing the block first; a worker that finds the pointer with
 * a relaxed load writes into it. Nothing orders the allocation before
 * the worker's write: the allocation counts as main's write of the whole
 * block (as under ThreadSanitizer), so the worker's write races with it.
 * The twin norace_alloc_release_publish.c publishes with release and
 * acquire. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct job {
    int id;
    int result;
};

static _Atomic(struct job *) published;

static void *worker(void *arg)
{
    (void)arg;
    struct job *j;
    while ((j = atomic_load_explicit(&published, memory_order_relaxed)) == NULL)
        ;
    j->result = 7; // LINE:use
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL); // LINE:create
    struct job *j = malloc(sizeof(*j)); // LINE:alloc
    atomic_store_explicit(&published, j, memory_order_relaxed);
    pthread_join(t, NULL);
    printf("result=%d\n", j->result);
    free(j);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: result=7
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:use}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:alloc}} {{OFF}}
// EXPECT: Location is heap block of size 8 at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:alloc}} {{OFF}}
// EXPECT: Goroutine 2 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
