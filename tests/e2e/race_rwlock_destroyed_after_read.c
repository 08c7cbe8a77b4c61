/* A rwlock destroyed while a reader may still use it: main destroys it
 * without waiting for the reader (the sleep orders nothing). A read lock
 * uses the rwlock's memory (an atomic read, as ThreadSanitizer records
 * it), so the destroy races with it, even though the reader has long
 * unlocked: ThreadSanitizer reports it; the read lock was only checked
 * against the shadow, not recorded, and this was missed. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_rwlock_t rw;
static int table[4] = {1, 2, 3, 4};

static void *reader(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&rw); // LINE:rdlock
    int sum = table[0] + table[3];
    pthread_rwlock_unlock(&rw);
    return (void *)(long)sum;
}

int main(void)
{
    pthread_rwlock_init(&rw, NULL);
    pthread_t t;
    pthread_create(&t, NULL, reader, NULL); // LINE:create
    usleep(100 * 1000);
    pthread_rwlock_destroy(&rw); // LINE:destroy
    void *sum;
    pthread_join(t, &sum);
    printf("sum=%ld\n", (long)sum);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: sum=5
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:destroy}} {{OFF}}
// EXPECT: Previous atomic read at {{ADDR}} by goroutine 2:
// EXPECT:   reader()
// EXPECT:       {{FILE}}:{{LINE:rdlock}} {{OFF}}
// EXPECT: Location is global 'rw' of size 56 at {{ADDR}} (race_rwlock_destroyed_after_read+{{ADDR}})
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
