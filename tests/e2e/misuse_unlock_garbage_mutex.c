/* A mutex that was never initialised, its memory filled with 0xff (as a
 * pool allocator's poison might leave it), unlocked by a thread that
 * never locked it: glibc reads the fill as a destroyed mutex and refuses
 * the unlock (EINVAL), which the program does not check. Reported at the
 * unlock, though no lock call came first (misuse_lock_destroyed: after a
 * rejected lock, only the lock is). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct {
    pthread_mutex_t mu;
    int value;
} box;

static void *release_it(void *arg)
{
    (void)arg;
    int r = pthread_mutex_unlock(&box.mu); // LINE:unlock
    return (void *)(long)r;
}

int main(void)
{
    memset(&box.mu, 0xff, sizeof(box.mu));
    pthread_t t;
    pthread_create(&t, NULL, release_it, NULL);
    void *r;
    pthread_join(t, &r);
    printf("unlock returned %ld\n", (long)r);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: unlock returned 22
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: pthread_mutex_unlock of destroyed mutex {{ADDR}} by goroutine 2 (it failed: nothing was unlocked):
// EXPECT:   release_it()
// EXPECT:       {{FILE}}:{{LINE:unlock}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: MISUSE OF MUTEX
