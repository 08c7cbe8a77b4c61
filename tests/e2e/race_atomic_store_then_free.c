/* A relaxed atomic store, seen by another thread's relaxed load, which
 * then frees the memory: nothing orders the store before the free, so
 * they race. The store's record must be in the shadow before its value
 * can be seen (it is checked before the real store): recorded after it,
 * the free could find nothing yet, and its marks bury the late record. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

static void *storer(void *arg)
{
    __atomic_store_n((int *)arg, 1, __ATOMIC_RELAXED); // LINE:store
    return NULL;
}

int main(void)
{
    int *flag = malloc(sizeof(int)); // LINE:malloc
    *flag = 0;
    pthread_t th;
    pthread_create(&th, NULL, storer, flag); // LINE:create
    while (__atomic_load_n(flag, __ATOMIC_RELAXED) == 0)
        sched_yield();
    free(flag); // LINE:free
    pthread_join(th, NULL);
    puts("done");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
// EXPECT: Previous atomic write at {{ADDR}} by goroutine 2:
// EXPECT:   storer()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT: ==================
// EXPECT-COUNT: 1 WARNING: DATA RACE
