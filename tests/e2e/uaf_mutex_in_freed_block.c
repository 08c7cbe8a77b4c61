/* A mutex inside a freed block is locked: the lock is a use of freed
 * memory (a lock's use lives in crace's sync object, not in the shadow,
 * so it is checked against the freed marks on its own). The mutex lies
 * past the first 16 bytes, where glibc keeps a freed chunk's links. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct session {
    char name[32];
    pthread_mutex_t mu;
    int hits;
};

int main(void)
{
    struct session *s = calloc(1, sizeof(*s)); // LINE:alloc
    pthread_mutex_init(&s->mu, NULL);
    free(s); // LINE:free
    pthread_mutex_lock(&s->mu); // LINE:lock
    pthread_mutex_unlock(&s->mu);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: done
// EXPECT: WARNING: HEAP USE AFTER FREE
// EXPECT: Atomic write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT: Previous free at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:free}} {{OFF}}
// EXPECT: Location is freed heap block of size {{NUM}} at {{ADDR}} allocated by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:alloc}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: HEAP USE AFTER FREE
