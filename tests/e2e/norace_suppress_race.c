/* A known race silenced by a suppression file: its race: rule names the
 * function that races, so nothing is reported, the exit status is the
 * program's own, and the summary counts the suppressed finding. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int last_hit;

static void *mark_hit(void *arg)
{
    last_hit = (int)(intptr_t)arg;
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

// ENV: CRACE_OPTIONS=suppressions='{{SRCDIR}}/supp/race.supp'
// EXPECT-EXIT: 0
// EXPECT: last_hit=2
// EXPECT: crace: 1 finding(s) suppressed
// EXPECT-NOT: WARNING
// EXPECT-NOT: Found
// EXPECT-NOT: unused suppression
