/* The race of norace_suppress_race.c under a suppression file none of
 * whose rules matches it (one names a function that no longer exists,
 * one has the wrong type): the race is reported as usual, and with
 * report_unused_suppressions=1 both rules are listed at exit, with the
 * file and line to delete. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int last_hit;

static void *mark_hit(void *arg)
{
    last_hit = (int)(intptr_t)arg; // LINE:hit
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, mark_hit, (void *)1);
    usleep(100 * 1000);
    pthread_create(&b, NULL, mark_hit, (void *)2);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("last_hit=%d\n", last_hit);
    return 0;
}

// ENV: CRACE_OPTIONS=suppressions='{{SRCDIR}}/supp/unused.supp' report_unused_suppressions=1
// EXPECT-EXIT: 66
// EXPECT: last_hit=2
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   mark_hit()
// EXPECT:       {{FILE}}:{{LINE:hit}} {{OFF}}
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
// EXPECT-COUNT: 2 crace: unused suppression /
// EXPECT-COUNT: 1 /supp/unused.supp:2: race:^mark_hit_old$
// EXPECT-COUNT: 1 /supp/unused.supp:5: deadlock:mark_hit
// EXPECT-NOT: finding(s) suppressed
